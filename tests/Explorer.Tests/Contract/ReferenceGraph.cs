using Explorer.Graph;
using Explorer.Seed;

namespace Explorer.Tests.Contract;

/// <summary>A deliberately simple model of the dataset to check stores against.</summary>
internal static class ReferenceGraph
{
    public static Dictionary<string, List<string>> Undirected(GraphSeed seed)
    {
        var adjacency = seed.Nodes.ToDictionary(n => n.Id, _ => new List<string>());
        foreach (var edge in seed.Edges)
        {
            adjacency[edge.Source].Add(edge.Target);
            adjacency[edge.Target].Add(edge.Source);
        }

        return adjacency;
    }

    public static int? Distance(Dictionary<string, List<string>> adjacency, string from, string to)
    {
        var distance = new Dictionary<string, int> { [from] = 0 };
        var queue = new Queue<string>([from]);
        while (queue.Count > 0)
        {
            var u = queue.Dequeue();
            if (u == to)
            {
                return distance[u];
            }

            foreach (var v in adjacency[u])
            {
                if (distance.TryAdd(v, distance[u] + 1))
                {
                    queue.Enqueue(v);
                }
            }
        }

        return null;
    }

    /// <summary>Asserts the path is a real walk from <paramref name="from"/> to <paramref name="to"/> over dataset edges, respecting direction.</summary>
    public static void AssertIsWalk(GraphSeed seed, GraphPath path, string from, string to, Direction direction = Direction.Any)
    {
        Assert.Equal(from, path.Nodes[0]);
        Assert.Equal(to, path.Nodes[^1]);
        Assert.Equal(path.Nodes.Count - 1, path.Edges.Count);
        Assert.Equal(path.Edges.Count, path.Length);
        for (var i = 0; i < path.Edges.Count; i++)
        {
            var edge = seed.Edges.Single(e => e.Id == path.Edges[i]);
            var forward = edge.Source == path.Nodes[i] && edge.Target == path.Nodes[i + 1];
            var backward = edge.Target == path.Nodes[i] && edge.Source == path.Nodes[i + 1];
            Assert.True(direction switch
            {
                Direction.Out => forward,
                Direction.In => backward,
                _ => forward || backward,
            }, $"edge {edge.Id} does not join {path.Nodes[i]} and {path.Nodes[i + 1]} in direction {direction}");
        }
    }
}
