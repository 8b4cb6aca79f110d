using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace Pipeline.Tests.Cache;

/// <summary>
/// Debian's docker-registry on a free loopback port with its own config and storage, so the cache tests pull and
/// push without touching the shared sandbox registry, and can stop it to prove a warm run needs no registry.
/// </summary>
public sealed class IsolatedRegistry : IAsyncDisposable
{
    private static readonly TimeSpan StartLimit = TimeSpan.FromSeconds(30);
    private readonly string _directory = Directory.CreateTempSubdirectory("pipeline-cache-registry-").FullName;
    private readonly HttpClient _http = new() { Timeout = TimeSpan.FromSeconds(2) };
    private Process? _process;

    private IsolatedRegistry(int port) => Address = $"127.0.0.1:{port}";

    /// <summary>host:port, as in an image name.</summary>
    public string Address { get; }

    private string ConfigPath => Path.Combine(_directory, "config.yml");

    public static async Task<IsolatedRegistry> StartAsync(CancellationToken cancellation)
    {
        var registry = new IsolatedRegistry(FreeLoopbackPort());
        await File.WriteAllTextAsync(registry.ConfigPath, $"""
            version: 0.1
            log:
              level: warn
            storage:
              filesystem:
                rootdirectory: {registry._directory}/data
            http:
              addr: {registry.Address}
            """, cancellation);
        await registry.RestartAsync(cancellation);
        return registry;
    }

    /// <summary>Starts it again on the same port with the same storage (after <see cref="StopAsync"/>).</summary>
    public async Task RestartAsync(CancellationToken cancellation)
    {
        var start = new ProcessStartInfo("docker-registry") { RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add("serve");
        start.ArgumentList.Add(ConfigPath);
        Process process;
        try
        {
            process = Process.Start(start)!;
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            throw new InvalidOperationException(
                "The cache tests need Debian's docker-registry (apt-get install docker-registry); these tests do not skip.", e);
        }
        _process = process;
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();

        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < StartLimit)
        {
            if (process.HasExited) throw new InvalidOperationException($"docker-registry on {Address} exited with {process.ExitCode}");
            if (await AnswersAsync(cancellation)) return;
            await Task.Delay(100, cancellation);
        }
        throw new InvalidOperationException($"docker-registry on {Address} did not answer within {StartLimit.TotalSeconds} s");
    }

    public async Task StopAsync()
    {
        if (_process is not { } process) return;
        _process = null;
        if (!process.HasExited) process.Kill(entireProcessTree: true);
        await process.WaitForExitAsync();
        process.Dispose();
    }

    public async Task<bool> AnswersAsync(CancellationToken cancellation)
    {
        try
        {
            using var response = await _http.GetAsync($"http://{Address}/v2/", cancellation);
            return response.IsSuccessStatusCode;
        }
        catch (HttpRequestException)
        {
            return false;
        }
        catch (TaskCanceledException) when (!cancellation.IsCancellationRequested)
        {
            return false;
        }
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        _http.Dispose();
        Directory.Delete(_directory, recursive: true);
    }

    private static int FreeLoopbackPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
