using System.Runtime.CompilerServices;
using Explorer.Graph;

namespace Explorer.Neo4j;

/// <summary>Reading the whole graph a page at a time, for exports: nodes by id, edges type by type, each by id (index-ordered).</summary>
internal sealed partial class Neo4jGraphStore
{
    internal const int ExportPageSize = 2000;

    public async IAsyncEnumerable<Node> ReadAllNodesAsync([EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var after = "";
        while (true)
        {
            var page = (await ReadAsync(Cypher.NodesPage, Params(("after", after), ("limit", ExportPageSize)), cancellationToken)).Records.Select(ReadNode).ToList();
            foreach (var node in page)
            {
                yield return node;
            }

            if (page.Count < ExportPageSize)
            {
                yield break;
            }

            after = page[^1].Id;
        }
    }

    public async IAsyncEnumerable<Edge> ReadAllEdgesAsync([EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        foreach (var type in Cypher.EdgeTypes)
        {
            var after = "";
            while (true)
            {
                var page = (await ReadAsync(Cypher.EdgesPage[type], Params(("after", after), ("limit", ExportPageSize)), cancellationToken)).Records.Select(ReadEdge).ToList();
                foreach (var edge in page)
                {
                    yield return edge;
                }

                if (page.Count < ExportPageSize)
                {
                    break;
                }

                after = page[^1].Id;
            }
        }
    }
}
