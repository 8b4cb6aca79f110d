namespace Pipeline.Staging;

/// <summary>
/// The SSH connections of one run: one multiplexed master per host, their control sockets in a private temp
/// directory (mode 700, so no other user can ride on them), all closed and deleted at the end.
/// </summary>
public sealed class SshSession : IAsyncDisposable
{
    private readonly DirectoryInfo _controlDirectory;
    private readonly Dictionary<string, SshConnection> _connections = new();
    private readonly StagingSettings _settings;

    public SshSession(StagingSettings settings)
    {
        _settings = settings;
        // Made with mode 700 by .NET on Unix. Sockets are named by a 40-character hash (%C), so the path stays under
        // the 108-byte socket limit in any usual temp dir.
        _controlDirectory = Directory.CreateTempSubdirectory("pipeline-ssh-");
    }

    public SshConnection For(StagingHost host)
    {
        if (!_connections.TryGetValue(host.Name, out var connection))
            _connections[host.Name] = connection = new SshConnection(host, Options(_settings, _controlDirectory.FullName));
        return connection;
    }

    public static SshOptions Options(StagingSettings settings, string controlDirectory) =>
        new(settings.KnownHosts, settings.SshKey, settings.SshConnectTimeout, controlDirectory);

    public async ValueTask DisposeAsync()
    {
        foreach (var connection in _connections.Values) await connection.CloseAsync();
        try
        {
            _controlDirectory.Delete(recursive: true);
        }
        catch (IOException)
        {
            // A master still exiting may hold its socket a moment longer; the directory is empty otherwise.
        }
    }
}
