namespace Explorer.Cli;

/// <summary>The process exit codes, also listed at the end of <c>explorer --help</c>.</summary>
internal static class ExitCodes
{
    /// <summary>Success; "no path" is an answer too (its reason is printed).</summary>
    public const int Ok = 0;

    /// <summary>A node or source was not found, or some import lines failed.</summary>
    public const int NotFound = 1;

    /// <summary>Invalid input, an ambiguous name or a usage error.</summary>
    public const int InvalidInput = 2;

    /// <summary>Dataset or store error: a bad seed file, an unreadable database.</summary>
    public const int StoreError = 3;

    /// <summary><c>serve</c>: the address to listen on is taken by another program.</summary>
    public const int AddressInUse = 4;

    /// <summary>A bug: the stack trace is printed.</summary>
    public const int InternalError = 70;

    public const int Cancelled = 130;

    public const string HelpText = """
        Exit codes:
          0  success (also "no path": the reason is printed)
          1  node or source not found; some import lines failed
          2  invalid input, ambiguous name or usage error
          3  dataset or store error (bad seed file, unreadable database)
          4  serve: the address is in use by another program
          70 internal error (a bug: please report the printed stack trace)
        """;
}
