using System.Net.Sockets;
using System.Text;

namespace Pipeline.Deps;

/// <summary>
/// PING in Redis's own protocol (RESP) on the published port. A TCP connect alone proves nothing: docker-proxy
/// accepts on the host port before Redis listens in the container.
/// </summary>
public static class RedisPing
{
    private static readonly byte[] Ping = "*1\r\n$4\r\nPING\r\n"u8.ToArray();

    /// <summary>Null when Redis answered +PONG; otherwise what went wrong, for the not-ready message.</summary>
    public static async Task<string?> ProbeAsync(string host, int port, TimeSpan limit, CancellationToken cancellation)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellation);
        deadline.CancelAfter(limit);
        try
        {
            using var client = new TcpClient();
            await client.ConnectAsync(host, port, deadline.Token);
            var stream = client.GetStream();
            await stream.WriteAsync(Ping, deadline.Token);
            var buffer = new byte[64];
            var received = 0;
            while (received < buffer.Length)
            {
                var read = await stream.ReadAsync(buffer.AsMemory(received), deadline.Token);
                if (read == 0) break;
                received += read;
                if (Array.IndexOf(buffer, (byte)'\n', 0, received) >= 0) break;
            }
            var answer = Encoding.ASCII.GetString(buffer, 0, received).TrimEnd();
            if (answer == "+PONG") return null;
            return received == 0 ? "connection closed without an answer" : $"answered '{answer}' instead of +PONG";
        }
        catch (OperationCanceledException) when (!cancellation.IsCancellationRequested)
        {
            return $"no answer within {limit.TotalSeconds:0.#} s";
        }
        catch (SocketException e)
        {
            return e.Message;
        }
        catch (IOException e)
        {
            return e.Message;
        }
    }
}
