using Explorer.Server;
using Explorer.Server.Health;

return args is [HealthProbe.Verb, ..] ? HealthProbe.Run(args) : ExplorerApp.Create(args).RunExplorer();

/// <summary>The entry point, public so tests can host the app with <c>WebApplicationFactory&lt;Program&gt;</c>.</summary>
public partial class Program;
