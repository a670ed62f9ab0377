using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace Explorer.Tests.TestSupport;

/// <summary>A redis-server of the test's own on a free loopback port, stopped on dispose; null when the binary is missing.</summary>
public sealed class RedisServer : IDisposable
{
    private readonly Process _process;

    private RedisServer(Process process, int port)
    {
        _process = process;
        Endpoint = $"127.0.0.1:{port}";
    }

    public string Endpoint { get; }

    /// <summary>Starts one; null when no redis-server is installed (on PATH, /usr/bin or /usr/local/bin).</summary>
    public static async Task<RedisServer?> StartAsync(CancellationToken cancellationToken)
    {
        var binary = (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Append("/usr/bin").Append("/usr/local/bin")
            .Select(folder => Path.Combine(folder, "redis-server"))
            .FirstOrDefault(File.Exists);
        if (binary is null)
        {
            return null;
        }

        // A free port can be taken between our look and redis-server's bind: then it exits, and we try another.
        for (var attempt = 1; ; attempt++)
        {
            var server = Start(binary, FreePort());
            if (await server.ListeningAsync(cancellationToken))
            {
                return server;
            }

            server.Dispose();
            if (attempt == 3)
            {
                throw new InvalidOperationException($"redis-server ({binary}) did not start listening on a free port in three attempts");
            }
        }
    }

    private static RedisServer Start(string binary, int port)
    {
        var start = new ProcessStartInfo(binary) { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var arg in new[] { "--port", port.ToString(System.Globalization.CultureInfo.InvariantCulture), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no" })
        {
            start.ArgumentList.Add(arg);
        }

        var server = new RedisServer(Process.Start(start)!, port);
        server._process.OutputDataReceived += (_, _) => { };
        server._process.ErrorDataReceived += (_, _) => { };
        server._process.BeginOutputReadLine();
        server._process.BeginErrorReadLine();
        return server;
    }

    private async Task<bool> ListeningAsync(CancellationToken cancellationToken)
    {
        var port = int.Parse(Endpoint[(Endpoint.LastIndexOf(':') + 1)..], System.Globalization.CultureInfo.InvariantCulture);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(TimeSpan.FromSeconds(20));
        while (!_process.HasExited)
        {
            try
            {
                using var client = new TcpClient();
                await client.ConnectAsync(IPAddress.Loopback, port, timeout.Token);
                return true;
            }
            catch (SocketException)
            {
                await Task.Delay(50, timeout.Token);
            }
        }

        return false;
    }

    public void Dispose()
    {
        if (!_process.HasExited)
        {
            _process.Kill();
            _process.WaitForExit(5000);
        }

        _process.Dispose();
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
