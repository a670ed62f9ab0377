using System.Reflection;
using Microsoft.Extensions.Logging;

namespace Explorer.Tests.Operations;

/// <summary>
/// Every log line Explorer writes has an event id of its own across the server and the core library, so an
/// operator who filters or alerts on an id (for example "failed sign-in") never also catches another event.
/// </summary>
public sealed class LogEventIdTests
{
    [Fact]
    public void NoTwoLogMessagesShareAnEventId()
    {
        var assemblies = new[] { typeof(Explorer.Graph.Node).Assembly, typeof(Explorer.Server.ExplorerApp).Assembly };
        var messages = assemblies
            .SelectMany(a => a.GetTypes())
            .SelectMany(t => t.GetMethods(BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Static | BindingFlags.Instance | BindingFlags.DeclaredOnly))
            .Select(m => (Method: m, Attribute: m.GetCustomAttribute<LoggerMessageAttribute>()))
            .Where(p => p.Attribute is not null)
            .Select(p => (Id: p.Attribute!.EventId, Where: $"{p.Method.DeclaringType!.FullName}.{p.Method.Name}"))
            .ToList();

        Assert.True(messages.Count > 20, $"found only {messages.Count} log messages: is the scan looking in the right assemblies?");
        var shared = messages.GroupBy(m => m.Id).Where(g => g.Count() > 1)
            .Select(g => $"{g.Key}: {string.Join(", ", g.Select(m => m.Where))}").ToList();
        Assert.True(shared.Count == 0, "event ids used more than once:\n" + string.Join("\n", shared));
    }
}
