#!/usr/bin/env python3
"""networkx baseline for the Explorer benchmark.

Loads the benchmark's edge list (TSV: "source<TAB>target", '#' comments) into an undirected nx.Graph,
then times nx.bidirectional_shortest_path for each pair of the pairs file. Prints one JSON object on
stdout (progress goes to stderr). Launched by the benchmark program; runnable by hand too:

    python3 networkx_baseline.py --edges edges.tsv --pairs pairs.tsv
"""
import argparse
import gc
import itertools
import json
import math
import resource
import sys
import time
import tracemalloc

import networkx as nx


def rss_bytes():
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) * 1024
    return -1


def log(message):
    print(f"  networkx: {message}", file=sys.stderr, flush=True)


def percentile(sorted_values, p):
    if not sorted_values:
        return float("nan")
    rank = math.ceil(p * len(sorted_values)) - 1  # nearest rank, as in the C# side
    return sorted_values[max(0, min(len(sorted_values) - 1, rank))]


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--edges", required=True)
    parser.add_argument("--pairs", required=True)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--warmup", type=int, default=1)
    parser.add_argument("--max-hops", type=int, default=8)
    parser.add_argument("--k", type=int, default=0,
                        help="time the first k of nx.shortest_simple_paths instead of one shortest path")
    parser.add_argument("--tracemalloc", action="store_true",
                        help="also measure the graph's Python allocations exactly (slows loading)")
    args = parser.parse_args()

    gc.collect()
    rss_before = rss_bytes()
    if args.tracemalloc:
        tracemalloc.start()

    start = time.perf_counter()
    graph = nx.Graph()
    node_count = None
    with open(args.edges) as edges:
        first = edges.readline()
        if first.startswith("#"):
            node_count = int(first.split()[2])
            graph.add_nodes_from(range(node_count))
        else:
            edges.seek(0)
        graph.add_edges_from(
            (int(a), int(b)) for a, b in (line.split("\t") for line in edges if not line.startswith("#")))
    load_seconds = time.perf_counter() - start

    traced = None
    if args.tracemalloc:
        traced, _ = tracemalloc.get_traced_memory()
        tracemalloc.stop()
    gc.collect()
    rss_after = rss_bytes()
    log(f"loaded {graph.number_of_nodes()} nodes, {graph.number_of_edges()} edges in {load_seconds:.2f} s")

    with open(args.pairs) as pairs_file:
        pairs = [tuple(int(x) for x in line.split("\t")) for line in pairs_file if line.strip()]

    def run(s, t):
        try:
            if args.k > 0:
                paths = list(itertools.islice(nx.shortest_simple_paths(graph, s, t), args.k))
                return len(paths[0]) - 1 if paths else None
            return len(nx.bidirectional_shortest_path(graph, s, t)) - 1
        except nx.NetworkXNoPath:
            return None

    for _ in range(args.warmup):
        for s, t in pairs:
            run(s, t)

    samples = []
    lengths = []
    for r in range(args.rounds):
        for s, t in pairs:
            begin = time.perf_counter_ns()
            hops = run(s, t)
            samples.append((time.perf_counter_ns() - begin) / 1e6)
            if r == 0:
                lengths.append(hops if hops is not None and hops <= args.max_hops else None)
        log(f"round {r + 1}/{args.rounds} done")

    samples.sort()
    result = {
        "networkx": nx.__version__,
        "python": sys.version.split()[0],
        "nodes": graph.number_of_nodes(),
        "edges": graph.number_of_edges(),
        "load_seconds": load_seconds,
        "rss_before_bytes": rss_before,
        "rss_after_load_bytes": rss_after,
        "graph_rss_delta_bytes": rss_after - rss_before,
        "peak_rss_bytes": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024,
        "tracemalloc_graph_bytes": traced,
        "queries": len(pairs),
        "samples": len(samples),
        "median_ms": percentile(samples, 0.50),
        "p95_ms": percentile(samples, 0.95),
        "mean_ms": sum(samples) / len(samples) if samples else float("nan"),
        "lengths": lengths,
    }
    json.dump(result, sys.stdout)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
