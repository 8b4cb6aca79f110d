using Renci.SshNet;
using Renci.SshNet.Common;

namespace Pipeline.Staging;

/// <summary>
/// The jump host (--staging-jump): one connection for the run, its host key checked against the same known_hosts,
/// and for each staging host a tunnel through it that the host's own connection runs in, end to end encrypted
/// and checked as if it were direct.
/// </summary>
/// <remarks>
/// SSH.NET 2026 has no public way to run a connection over a channel stream, so the tunnel is a local forward
/// (direct-tcpip on the jump connection) on a port the kernel picks on 127.0.0.1; it lives as long as the run, and
/// what reaches the host through it still has to pass the host's key check and login.
/// </remarks>
public sealed class JumpConnection(SshEndpoint jump, SshConnector connector) : IAsyncDisposable
{
    private readonly SemaphoreSlim _gate = new(1, 1);
    private readonly Dictionary<SshEndpoint, ForwardedPortLocal> _tunnels = new();
    private SshClient? _client;

    public SshEndpoint Endpoint => jump;

    public string Who => $"The jump host {jump} ({Config.PipelineParameters.StagingJump.CliName} / {Config.PipelineParameters.StagingJump.EnvVar})";

    /// <summary>Where to dial to reach <paramref name="target"/> through the jump host.</summary>
    public async Task<SshDial> TunnelAsync(SshEndpoint target, CancellationToken cancellation)
    {
        await _gate.WaitAsync(cancellation);
        try
        {
            if (_client is not { IsConnected: true })
            {
                _client?.Dispose();
                _client = null;
                _tunnels.Clear();
                _client = await connector.ConnectAsync(jump, Who, null, cancellation);
            }
            if (!_tunnels.TryGetValue(target, out var tunnel))
            {
                tunnel = new ForwardedPortLocal("127.0.0.1", 0, target.Address, (uint)target.Port);
                _client.AddForwardedPort(tunnel);
                tunnel.Start();
                _tunnels[target] = tunnel;
            }
            return new SshDial("127.0.0.1", (int)tunnel.BoundPort, jump.ToString());
        }
        finally
        {
            _gate.Release();
        }
    }

    public ValueTask DisposeAsync()
    {
        if (_client is { } client)
        {
            try
            {
                foreach (var tunnel in _tunnels.Values) tunnel.Stop();
                if (client.IsConnected) client.Disconnect();
            }
            catch (Exception e) when (e is SshException or ObjectDisposedException or IOException)
            {
                // Going anyway: the run is over.
            }
            client.Dispose();
        }
        _gate.Dispose();
        return ValueTask.CompletedTask;
    }
}
