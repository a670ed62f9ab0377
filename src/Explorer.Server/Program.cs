using Explorer.Server;

return ExplorerApp.Create(args).RunExplorer();

/// <summary>The entry point, public so tests can host the app with <c>WebApplicationFactory&lt;Program&gt;</c>.</summary>
public partial class Program;
