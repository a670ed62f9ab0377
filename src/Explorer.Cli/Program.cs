namespace Explorer.Cli;

internal static class Program
{
    public static Task<int> Main(string[] args)
    {
        // Arrows (─CONDUCTED→) and typographic quotes from the sources print as themselves everywhere.
        Console.OutputEncoding = System.Text.Encoding.UTF8;
        return CliApp.RunAsync(args, Console.Out, Console.Error, Console.In);
    }
}
