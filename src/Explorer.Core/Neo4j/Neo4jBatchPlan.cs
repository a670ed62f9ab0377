using Explorer.Graph;

namespace Explorer.Neo4j;

/// <summary>
/// Plans an import batch for one Neo4j statement (<see cref="Cypher.Batch"/>). First it plays the writes in order
/// over what was read, as the embedded store's transaction would apply them: which take effect (a removal that
/// finds nothing makes no change), and which are refused (an edge whose end does not exist then:
/// <see cref="GraphWriteException"/>, and nothing is sent). What that play relied on becomes the statement's
/// guard. Then it groups the writes that take effect into runs of one kind with distinct ids, each run after
/// every run holding a write it must follow:
/// <list type="bullet">
/// <item>a write after the previous write of the same node or edge id;</item>
/// <item>an edge upsert after the previous writes of both its ends, and after every node removal before it;</item>
/// <item>an edge removal after every node removal before it (a removed node takes its edges along);</item>
/// <item>a node removal after every edge write before it.</item>
/// </list>
/// Writes that need no order between them (a node upsert and an edge removal, two edges, two nodes) share runs,
/// so a file of nodes then edges is two runs, whatever their number.
/// </summary>
internal sealed class Neo4jBatchPlan
{
    public List<(Cypher.BatchOp Op, List<int> Rows)> Runs { get; } = [];

    /// <summary>The positions of the writes that take effect, in order: change k of the statement is write Effective[k].</summary>
    public List<int> Effective { get; } = [];

    public List<string> NodesPresent { get; } = [];

    public List<string> NodesAbsent { get; } = [];

    public List<(string Id, string Source, string Target)> EdgesPresent { get; } = [];

    public List<string> EdgesAbsent { get; } = [];

    /// <summary>The node ids whose state the play may read: removed nodes and edge ends.</summary>
    public static List<string> NodeIds(IReadOnlyList<GraphWrite> writes) =>
        [.. writes.SelectMany(w => w switch
        {
            GraphWrite.RemoveNode(var id) => [id],
            GraphWrite.UpsertEdge(var edge) => new[] { edge.Source, edge.Target },
            _ => [],
        }).Distinct(StringComparer.Ordinal)];

    /// <summary>The edge ids whose state the play may read.</summary>
    public static List<string> EdgeIds(IReadOnlyList<GraphWrite> writes) =>
        [.. writes.Where(w => w is GraphWrite.UpsertEdge or GraphWrite.RemoveEdge).Select(w => w.Id).Distinct(StringComparer.Ordinal)];

    public static Neo4jBatchPlan Make(IReadOnlyList<GraphWrite> writes, IReadOnlyDictionary<string, Node> nodes, IReadOnlyDictionary<string, Edge> edges)
    {
        var plan = new Neo4jBatchPlan();
        var nodeExists = new Dictionary<string, bool>(StringComparer.Ordinal);
        var edgeEnds = new Dictionary<string, (string Source, string Target)?>(StringComparer.Ordinal);
        var removed = new HashSet<string>(StringComparer.Ordinal);

        bool NodeAt(string id)
        {
            if (!nodeExists.TryGetValue(id, out var exists))
            {
                exists = nodes.ContainsKey(id);
                (exists ? plan.NodesPresent : plan.NodesAbsent).Add(id);
                nodeExists[id] = exists;
            }

            return exists;
        }

        (string Source, string Target)? EdgeAt(string id)
        {
            if (!edgeEnds.TryGetValue(id, out var ends))
            {
                if (edges.TryGetValue(id, out var edge))
                {
                    plan.EdgesPresent.Add((id, edge.Source, edge.Target));

                    // Removing an end earlier in the batch took the edge along.
                    ends = removed.Contains(edge.Source) || removed.Contains(edge.Target) ? null : (edge.Source, edge.Target);
                }
                else
                {
                    plan.EdgesAbsent.Add(id);
                    ends = null;
                }

                edgeEnds[id] = ends;
            }

            return ends;
        }

        for (var i = 0; i < writes.Count; i++)
        {
            switch (writes[i])
            {
                case GraphWrite.UpsertNode(var node):
                    nodeExists[node.Id] = true;
                    plan.Effective.Add(i);
                    break;

                case GraphWrite.UpsertEdge(var edge):
                    _ = EdgeAt(edge.Id); // its old ends matter if a later removal of one of them is planned
                    if (!NodeAt(edge.Source) || !NodeAt(edge.Target))
                    {
                        throw new GraphWriteException($"edge '{edge.Id}': no node with id '{(NodeAt(edge.Source) ? edge.Target : edge.Source)}'");
                    }

                    edgeEnds[edge.Id] = (edge.Source, edge.Target);
                    plan.Effective.Add(i);
                    break;

                case GraphWrite.RemoveNode(var id):
                    if (NodeAt(id))
                    {
                        nodeExists[id] = false;
                        removed.Add(id);
                        foreach (var (edgeId, ends) in edgeEnds.ToList())
                        {
                            if (ends is { } e && (e.Source == id || e.Target == id))
                            {
                                edgeEnds[edgeId] = null;
                            }
                        }

                        plan.Effective.Add(i);
                    }

                    break;

                case GraphWrite.RemoveEdge(var id):
                    if (EdgeAt(id) is not null)
                    {
                        edgeEnds[id] = null;
                        plan.Effective.Add(i);
                    }

                    break;
            }
        }

        plan.Group(writes);
        return plan;
    }

    private void Group(IReadOnlyList<GraphWrite> writes)
    {
        var nodeRun = new Dictionary<string, int>(StringComparer.Ordinal);
        var edgeRun = new Dictionary<string, int>(StringComparer.Ordinal);
        int lastEdgeWrite = -1, lastNodeRemoval = -1;
        int Of(Dictionary<string, int> runs, string id) => runs.TryGetValue(id, out var run) ? run : -1;

        foreach (var i in Effective)
        {
            var (op, after) = writes[i] switch
            {
                GraphWrite.UpsertNode(var node) => (Cypher.BatchOp.UpsertNodes, Of(nodeRun, node.Id)),
                GraphWrite.UpsertEdge(var edge) => (Cypher.BatchOp.UpsertEdges, Max(Of(edgeRun, edge.Id), Of(nodeRun, edge.Source), Of(nodeRun, edge.Target), lastNodeRemoval)),
                GraphWrite.RemoveNode(var id) => (Cypher.BatchOp.RemoveNodes, Math.Max(Of(nodeRun, id), lastEdgeWrite)),
                _ => (Cypher.BatchOp.RemoveEdges, Math.Max(Of(edgeRun, writes[i].Id), lastNodeRemoval)),
            };

            var run = Runs.FindIndex(after + 1, r => r.Op == op);
            if (run < 0)
            {
                run = Runs.Count;
                Runs.Add((op, []));
            }

            Runs[run].Rows.Add(i);
            switch (writes[i])
            {
                case GraphWrite.UpsertNode(var node):
                    nodeRun[node.Id] = Math.Max(Of(nodeRun, node.Id), run);
                    break;
                case GraphWrite.RemoveNode(var id):
                    nodeRun[id] = Math.Max(Of(nodeRun, id), run);
                    lastNodeRemoval = Math.Max(lastNodeRemoval, run);
                    break;
                default:
                    edgeRun[writes[i].Id] = Math.Max(Of(edgeRun, writes[i].Id), run);
                    lastEdgeWrite = Math.Max(lastEdgeWrite, run);
                    break;
            }
        }
    }

    private static int Max(params int[] values) => values.Max();
}
