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
    public static Task<string?> ProbeAsync(string host, int port, TimeSpan limit, CancellationToken cancellation) =>
        PortProbe.RunAsync(host, port, limit, cancellation, async (client, token) =>
        {
            var stream = client.GetStream();
            await stream.WriteAsync(Ping, token);
            var buffer = new byte[64];
            var received = 0;
            while (received < buffer.Length)
            {
                var read = await stream.ReadAsync(buffer.AsMemory(received), token);
                if (read == 0) break;
                received += read;
                if (Array.IndexOf(buffer, (byte)'\n', 0, received) >= 0) break;
            }
            var answer = Encoding.ASCII.GetString(buffer, 0, received).TrimEnd();
            if (answer == "+PONG") return null;
            return received == 0 ? "connection closed without an answer" : $"answered '{answer}' instead of +PONG";
        });
}
