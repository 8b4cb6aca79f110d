using System.Net.Sockets;

namespace Pipeline.Deps;

/// <summary>
/// A protocol-level probe on a published port: connect within the limit, then let <c>talk</c> decide. Every failure
/// becomes the reason the service is not ready yet, for the readiness message.
/// </summary>
public static class PortProbe
{
    /// <summary>Null when <paramref name="talk"/> found the service ready; otherwise why not.</summary>
    public static async Task<string?> RunAsync(
        string host, int port, TimeSpan limit, CancellationToken cancellation,
        Func<TcpClient, CancellationToken, Task<string?>> talk)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellation);
        deadline.CancelAfter(limit);
        try
        {
            using var client = new TcpClient();
            await client.ConnectAsync(host, port, deadline.Token);
            return await talk(client, deadline.Token);
        }
        catch (OperationCanceledException) when (!cancellation.IsCancellationRequested)
        {
            return $"no answer within {limit.TotalSeconds:0.#} s";
        }
        catch (Exception e) when (e is SocketException or IOException)
        {
            return e.Message;
        }
    }
}
