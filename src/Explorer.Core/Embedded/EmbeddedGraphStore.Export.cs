using System.Runtime.CompilerServices;
using Explorer.Graph;

namespace Explorer.Embedded;

/// <summary>Reading the whole graph a page at a time, for exports (keyset paging on the unique ids).</summary>
internal sealed partial class EmbeddedGraphStore
{
    /// <summary>Records per page: each page is one short read, so no reader holds the WAL for the whole export.</summary>
    internal const int ExportPageSize = 2000;

    public async IAsyncEnumerable<Node> ReadAllNodesAsync([EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var after = "";
        while (true)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var page = new List<Node>(ExportPageSize);
            using (var connection = Open())
            using (var command = Command(connection, null, "SELECT id, kind, name, aliases, description, valid_from, valid_to, version FROM nodes WHERE id > $after ORDER BY id LIMIT $limit"))
            {
                Bind(command, ("$after", after), ("$limit", ExportPageSize));
                using var reader = command.ExecuteReader();
                while (reader.Read())
                {
                    page.Add(ReadNode(reader, 0));
                }
            }

            foreach (var node in page)
            {
                yield return node;
            }

            if (page.Count < ExportPageSize)
            {
                yield break;
            }

            after = page[^1].Id;
            await Task.Yield();
        }
    }

    public async IAsyncEnumerable<Edge> ReadAllEdgesAsync([EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var after = "";
        while (true)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var page = new List<Edge>(ExportPageSize);
            using (var connection = Open())
            using (var command = Command(connection, null, EdgeSelectSql + " WHERE e.id > $after ORDER BY e.id LIMIT $limit"))
            {
                Bind(command, ("$after", after), ("$limit", ExportPageSize));
                using var reader = command.ExecuteReader();
                while (reader.Read())
                {
                    page.Add(ReadEdge(reader));
                }
            }

            foreach (var edge in page)
            {
                yield return edge;
            }

            if (page.Count < ExportPageSize)
            {
                yield break;
            }

            after = page[^1].Id;
            await Task.Yield();
        }
    }
}
