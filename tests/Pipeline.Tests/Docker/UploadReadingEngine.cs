using System.Net.Sockets;
using System.Text;

namespace Pipeline.Tests.Docker;

/// <summary>
/// A stand-in engine on a temporary unix socket for uploads (docker load, a build context): it reads the request
/// headers, then the body at the pace the test sets, and either stops reading after a number of bytes (a stalled
/// engine, which then holds the connection open and never answers) or reads the body to its end and answers with
/// canned lines. A real engine will not stall on demand.
/// </summary>
internal sealed class UploadReadingEngine : IAsyncDisposable
{
    private readonly Socket _listener;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _serving;
    private long _bodyBytes;

    /// <param name="stopReadingAfter">Stop reading once this many body bytes have arrived; null reads it all.</param>
    /// <param name="pause">The wait between two reads of at most <paramref name="readSize"/> bytes.</param>
    /// <param name="answer">What the engine answers once the whole body has arrived (a FakeEngine.Stream response).</param>
    public UploadReadingEngine(long? stopReadingAfter, TimeSpan pause, int readSize, string answer = "")
    {
        SocketPath = Path.Combine(Path.GetTempPath(), $"upload-docker-{Guid.NewGuid():N}.sock");
        _listener = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        _listener.Bind(new UnixDomainSocketEndPoint(SocketPath));
        _listener.Listen();
        _serving = ServeAsync(stopReadingAfter, pause, readSize, Encoding.UTF8.GetBytes(answer));
    }

    public string SocketPath { get; }

    public string DockerHost => "unix://" + SocketPath;

    /// <summary>The request line of the (one) request, once its headers have arrived.</summary>
    public string? RequestLine { get; private set; }

    /// <summary>Bytes of the request body (chunk framing included) read so far.</summary>
    public long BodyBytes => Interlocked.Read(ref _bodyBytes);

    /// <summary>Set once the body's last chunk has arrived.</summary>
    public bool BodyComplete { get; private set; }

    private async Task ServeAsync(long? stopReadingAfter, TimeSpan pause, int readSize, byte[] answer)
    {
        try
        {
            using var client = await _listener.AcceptAsync(_stop.Token);
            var buffer = new byte[readSize];
            var head = new StringBuilder();
            var tail = "";
            while (true)
            {
                if (stopReadingAfter is { } limit && BodyBytes >= limit)
                {
                    // The stall: the connection stays open, nothing more is read, nothing is answered.
                    await Task.Delay(Timeout.Infinite, _stop.Token);
                }
                var read = await client.ReceiveAsync(buffer, SocketFlags.None, _stop.Token);
                if (read == 0) return;
                var text = Encoding.Latin1.GetString(buffer, 0, read);
                if (RequestLine is null)
                {
                    head.Append(text);
                    var all = head.ToString();
                    var end = all.IndexOf("\r\n\r\n", StringComparison.Ordinal);
                    if (end < 0) continue;
                    RequestLine = all[..all.IndexOf("\r\n", StringComparison.Ordinal)];
                    text = all[(end + 4)..];
                }
                Interlocked.Add(ref _bodyBytes, text.Length);
                tail = (tail + text)[^Math.Min(tail.Length + text.Length, 16)..];
                if (tail.EndsWith("\r\n0\r\n\r\n", StringComparison.Ordinal))
                {
                    BodyComplete = true;
                    await client.SendAsync(answer, SocketFlags.None, _stop.Token);
                    await client.SendAsync("0\r\n\r\n"u8.ToArray(), SocketFlags.None, _stop.Token);
                    await Task.Delay(Timeout.Infinite, _stop.Token);
                }
                await Task.Delay(pause, _stop.Token);
            }
        }
        catch (OperationCanceledException)
        {
        }
        catch (SocketException)
        {
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Dispose();
        await _serving;
        File.Delete(SocketPath);
        _stop.Dispose();
    }
}
