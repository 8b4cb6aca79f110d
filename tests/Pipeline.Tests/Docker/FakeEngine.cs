using System.Net.Sockets;
using System.Text;

namespace Pipeline.Tests.Docker;

/// <summary>
/// A stand-in engine on a temporary unix socket that answers every request with one canned HTTP response, for the
/// cases a real engine will not produce on demand (a stall mid-stream). The request, body included, is read first,
/// and its request line kept in <see cref="Requests"/>.
/// </summary>
internal sealed class FakeEngine : IAsyncDisposable
{
    private readonly Socket _listener;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _serving;

    /// <param name="tcp">Listen on a loopback TCP port instead of a unix socket.</param>
    public FakeEngine(string response, bool hangAfterResponse = false, bool tcp = false)
    {
        if (tcp)
        {
            _listener = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
            _listener.Bind(new System.Net.IPEndPoint(System.Net.IPAddress.Loopback, 0));
            DockerHost = "tcp://" + _listener.LocalEndPoint;
        }
        else
        {
            SocketPath = Path.Combine(Path.GetTempPath(), $"fake-docker-{Guid.NewGuid():N}.sock");
            _listener = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
            _listener.Bind(new UnixDomainSocketEndPoint(SocketPath));
            DockerHost = "unix://" + SocketPath;
        }
        _listener.Listen();
        _serving = ServeAsync(Encoding.UTF8.GetBytes(response), hangAfterResponse);
    }

    public string? SocketPath { get; }

    public string DockerHost { get; }

    /// <summary>The request line of every request served so far ("GET /v1.41/version HTTP/1.1").</summary>
    public IReadOnlyList<string> Requests => [.. _requests];

    private readonly System.Collections.Concurrent.ConcurrentQueue<string> _requests = new();

    /// <summary>A loopback port nothing listens on (at the moment of asking).</summary>
    public static int FreeLoopbackPort()
    {
        using var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        return ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <summary>A 200 response whose chunked body is these lines, as the engine streams JSON messages.</summary>
    public static string Stream(params string[] lines)
    {
        var body = new StringBuilder();
        foreach (var line in lines)
        {
            var chunk = line + "\r\n";
            body.Append($"{Encoding.UTF8.GetByteCount(chunk):x}\r\n{chunk}\r\n");
        }
        return "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n" + body;
    }

    /// <summary>A complete non-streamed response, as the engine sends errors.</summary>
    public static string Status(int code, string reason, string json) =>
        $"HTTP/1.1 {code} {reason}\r\nContent-Type: application/json\r\n" +
        $"Content-Length: {Encoding.UTF8.GetByteCount(json)}\r\nConnection: close\r\n\r\n{json}";

    private async Task ServeAsync(byte[] response, bool hang)
    {
        try
        {
            while (!_stop.IsCancellationRequested)
            {
                using var client = await _listener.AcceptAsync(_stop.Token);
                var request = await ReadRequestAsync(client);
                _requests.Enqueue(request.Split("\r\n")[0]);
                await client.SendAsync(response, SocketFlags.None, _stop.Token);
                if (hang) await Task.Delay(Timeout.Infinite, _stop.Token);
                else if (Encoding.UTF8.GetString(response).Contains("chunked"))
                    await client.SendAsync("0\r\n\r\n"u8.ToArray(), SocketFlags.None, _stop.Token);
            }
        }
        catch (OperationCanceledException)
        {
        }
        catch (SocketException)
        {
        }
    }

    private async Task<string> ReadRequestAsync(Socket client)
    {
        var seen = new StringBuilder();
        var buffer = new byte[65536];
        while (true)
        {
            var read = await client.ReceiveAsync(buffer, SocketFlags.None, _stop.Token);
            if (read == 0) return seen.ToString();
            seen.Append(Encoding.Latin1.GetString(buffer, 0, read));
            var text = seen.ToString();
            var headersEnd = text.IndexOf("\r\n\r\n", StringComparison.Ordinal);
            if (headersEnd < 0) continue;
            var chunked = text[..headersEnd].Contains("Transfer-Encoding: chunked", StringComparison.OrdinalIgnoreCase);
            if (!chunked || text.EndsWith("\r\n0\r\n\r\n", StringComparison.Ordinal)) return text;
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Dispose();
        try
        {
            await _serving;
        }
        catch (ObjectDisposedException)
        {
        }
        if (SocketPath is not null) File.Delete(SocketPath);
        _stop.Dispose();
    }
}
