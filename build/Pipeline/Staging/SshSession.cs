using Pipeline.Config;

namespace Pipeline.Staging;

/// <summary>
/// The SSH connections of one run: one multiplexed master per host, their control sockets in a private temp
/// directory (mode 700, so no other user can ride on them), all closed and deleted at the end. A key or known_hosts
/// lines given as text are written into the same directory for the session's lifetime.
/// </summary>
public sealed class SshSession : IAsyncDisposable
{
    private readonly DirectoryInfo _controlDirectory;
    private readonly Dictionary<string, SshConnection> _connections = new();
    private readonly SshCredentialFiles _credentials;
    private readonly StagingSettings _settings;

    public SshSession(StagingSettings settings)
    {
        _settings = settings;
        _controlDirectory = CreateControlDirectory();
        try
        {
            _credentials = SshCredentialFiles.Write(settings, _controlDirectory.FullName);
        }
        catch
        {
            _controlDirectory.Delete(recursive: true);
            throw;
        }
    }

    // A Unix socket's path is at most 107 bytes, and ssh names a control socket by a 40-character hash (%C) plus a
    // 17-character temporary suffix while it binds. A long TMPDIR (a CI runner's nested temp dir) would leave no
    // room, so the directory then goes to /tmp. Mode 700 either way: no other user can ride on the sockets.
    private const int SocketPathLimit = 107;
    private const int SocketNameLength = 1 + 40 + 17;

    private static DirectoryInfo CreateControlDirectory()
    {
        var name = "pipeline-ssh-" + Guid.NewGuid().ToString("N")[..8];
        var temp = Path.GetTempPath();
        var parent = OperatingSystem.IsWindows() || Path.Combine(temp, name).Length + SocketNameLength <= SocketPathLimit ? temp : "/tmp";
        var path = Path.Combine(parent, name);
        return OperatingSystem.IsWindows()
            ? Directory.CreateDirectory(path)
            : Directory.CreateDirectory(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
    }

    /// <summary>The private directory of this session's control sockets and written key files.</summary>
    public string PrivateDirectory => _controlDirectory.FullName;

    public SshConnection For(StagingHost host)
    {
        if (!_connections.TryGetValue(host.Name, out var connection))
            _connections[host.Name] = connection = new SshConnection(host, Options(_settings, _controlDirectory.FullName));
        return connection;
    }

    public static SshOptions Options(StagingSettings settings, string controlDirectory) =>
        new(SshCredentialFiles.KnownHostsPath(settings, controlDirectory), SshCredentialFiles.KeyPath(settings, controlDirectory),
            settings.SshConnectTimeout, controlDirectory)
        {
            KnownHostsName = settings.KnownHostsLines is null ? null : $"the known_hosts lines of {PipelineParameters.StagingKnownHosts.CliName} / {PipelineParameters.StagingKnownHosts.EnvVar}",
            KeyName = settings.SshPrivateKey is null
                ? $"{PipelineParameters.StagingSshKey.CliName} / {PipelineParameters.StagingSshKey.EnvVar}"
                : PipelineParameters.StagingSshPrivateKey.EnvVar,
        };

    /// <summary>What --dryrun says about a key or known_hosts lines given as text (never the key itself).</summary>
    public static IEnumerable<string> DescribeCredentials(StagingSettings settings, string controlDirectory)
    {
        if (settings.SshPrivateKey is not null)
            yield return $"ssh key: the key in {PipelineParameters.StagingSshPrivateKey.EnvVar} ({Redactor.Mask}), written to {SshCredentialFiles.KeyPath(settings, controlDirectory)} (mode 600) for the run and deleted at its end";
        if (settings.KnownHostsLines is { } lines)
            yield return $"known hosts: the {lines.Split('\n').Count(l => l.Length > 0 && !l.StartsWith('#'))} host key line(s) of {PipelineParameters.StagingKnownHosts.EnvVar}, written to {SshCredentialFiles.KnownHostsPath(settings, controlDirectory)} for the run";
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            foreach (var connection in _connections.Values) await connection.CloseAsync();
        }
        finally
        {
            // The key goes first and on its own, so a directory that cannot be removed yet never keeps it.
            _credentials.Dispose();
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
}
