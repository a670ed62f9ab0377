namespace Explorer.Import;

/// <summary>Format names as the CLI and the API take them, and telling a format from file names.</summary>
public static class ImportFormats
{
    /// <summary>The names, for messages.</summary>
    public const string Names = "jsonl, csv, graph-seed, graphml, graphology";

    public static ImportFormat? Parse(string name) => name.Trim().ToLowerInvariant() switch
    {
        "jsonl" or "json-lines" or "ndjson" => ImportFormat.JsonLines,
        "csv" => ImportFormat.Csv,
        "graph-seed" or "seed" => ImportFormat.GraphSeed,
        "graphml" => ImportFormat.GraphMl,
        "graphology" or "graphology-json" => ImportFormat.Graphology,
        _ => null,
    };

    public static string NameOf(ImportFormat format) => format switch
    {
        ImportFormat.JsonLines => "jsonl",
        ImportFormat.Csv => "csv",
        ImportFormat.GraphSeed => "graph-seed",
        ImportFormat.GraphMl => "graphml",
        _ => "graphology",
    };

    /// <summary>
    /// The format of these files by their names (.jsonl, .csv, .graphml, sources/nodes/edges.json); a other .json file is
    /// graphology when it holds an object and graph-seed when it holds an array. Null when the names do not say.
    /// </summary>
    public static ImportFormat? Detect(IReadOnlyList<(string Name, Func<Stream> Open)> files)
    {
        var extensions = files.Select(f => Path.GetExtension(f.Name).ToLowerInvariant()).ToList();
        if (extensions.Contains(".csv"))
        {
            return ImportFormat.Csv;
        }

        if (extensions.Any(e => e is ".jsonl" or ".ndjson"))
        {
            return ImportFormat.JsonLines;
        }

        if (extensions.Any(e => e is ".graphml" or ".xml"))
        {
            return ImportFormat.GraphMl;
        }

        if (files.Any(f => GraphSeedRecords.KindOf(f.Name) is not null && f.Name.EndsWith(".json", StringComparison.OrdinalIgnoreCase)))
        {
            return ImportFormat.GraphSeed;
        }

        if (files.Count == 1 && extensions[0] == ".json")
        {
            return FirstByte(files[0].Open) switch
            {
                (byte)'{' => ImportFormat.Graphology,
                (byte)'[' => ImportFormat.GraphSeed,
                _ => null,
            };
        }

        return null;
    }

    /// <summary>The first byte that is not white space or a BOM.</summary>
    private static byte? FirstByte(Func<Stream> open)
    {
        using var stream = open();
        Span<byte> buffer = stackalloc byte[1];
        while (stream.Read(buffer) == 1)
        {
            if (buffer[0] is not ((byte)' ' or (byte)'\t' or (byte)'\r' or (byte)'\n' or 0xEF or 0xBB or 0xBF))
            {
                return buffer[0];
            }
        }

        return null;
    }
}
