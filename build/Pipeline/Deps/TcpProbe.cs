namespace Pipeline.Deps;

/// <summary>
/// A TCP connect to the published port that stays open. docker-proxy accepts on the host port before the service
/// listens in the container, then closes the connection when it cannot reach it: so a connection is counted only
/// when the peer sends something (server-first protocols) or keeps it open for a moment (client-first ones).
/// </summary>
public static class TcpProbe
{
    private static readonly TimeSpan Hold = TimeSpan.FromMilliseconds(300);

    /// <summary>Null when the service kept the connection; otherwise what happened, for the not-ready message.</summary>
    public static Task<string?> ProbeAsync(string host, int port, TimeSpan limit, CancellationToken cancellation) =>
        PortProbe.RunAsync(host, port, limit, cancellation, async (client, token) =>
        {
            using var hold = CancellationTokenSource.CreateLinkedTokenSource(token);
            hold.CancelAfter(Hold);
            try
            {
                var read = await client.GetStream().ReadAsync(new byte[1], hold.Token);
                return read > 0 ? null : "the connection was closed at once (nothing listens in the container yet)";
            }
            catch (OperationCanceledException) when (!token.IsCancellationRequested)
            {
                return null;
            }
        });
}
