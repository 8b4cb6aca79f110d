using Renci.SshNet;

namespace Pipeline.Staging;

/// <summary>
/// One staging host over SSH.NET: one connection for the whole run, opened at the first command and shared by all
/// the host's commands (each in a channel of its own). A connection that dropped between two steps is opened again
/// for the next one.
/// </summary>
public sealed class SshNetHost(StagingHost host, string target, Func<CancellationToken, Task<SshClient>> connect) : IRemoteHost, IAsyncDisposable
{
    private readonly SemaphoreSlim _connecting = new(1, 1);
    private SshClient? _client;

    public StagingHost Host => host;

    public string Target => target;

    public async Task<RemoteResult> RunAsync(RemoteCommand command, CancellationToken cancellation)
    {
        var client = await ConnectedAsync(cancellation);
        return await RemoteExecution.RunAsync(client, command, host.Name, cancellation);
    }

    private async Task<SshClient> ConnectedAsync(CancellationToken cancellation)
    {
        await _connecting.WaitAsync(cancellation);
        try
        {
            if (_client is { IsConnected: true } open) return open;
            _client?.Dispose();
            _client = null;
            return _client = await connect(cancellation);
        }
        finally
        {
            _connecting.Release();
        }
    }

    public ValueTask DisposeAsync()
    {
        if (_client is { } client)
        {
            try
            {
                // Disconnect says goodbye to sshd (it logs a clean close); a connection already gone just goes.
                if (client.IsConnected) client.Disconnect();
            }
            catch (Exception e) when (e is Renci.SshNet.Common.SshException or ObjectDisposedException or IOException)
            {
            }
            client.Dispose();
        }
        _connecting.Dispose();
        return ValueTask.CompletedTask;
    }
}
