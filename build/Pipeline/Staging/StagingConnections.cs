using Pipeline.Config;

namespace Pipeline.Staging;

/// <summary>
/// The SSH side of one run: the key and the pinned host keys, loaded once into memory, the jump host if any, and one
/// connection per staging host, opened when first used and closed when the run ends. Nothing is written to disk.
/// </summary>
public sealed class StagingConnections : IAsyncDisposable
{
    private readonly StagingSettings _settings;
    private readonly StagingIdentity _identity;
    private readonly SshConnector _connector;
    private readonly JumpConnection? _jump;
    private readonly Dictionary<string, SshNetHost> _hosts = new();

    public StagingConnections(StagingSettings settings)
    {
        _settings = settings;
        _identity = StagingIdentity.Load(settings);
        _connector = new SshConnector(_identity, LoadKnownHosts(settings), settings.SshConnectTimeout);
        _jump = settings.Jump is { } jump ? new JumpConnection(jump, _connector) : null;
    }

    public IRemoteHost For(StagingHost host)
    {
        if (_hosts.TryGetValue(host.Name, out var known)) return known;
        var endpoint = SshEndpoint.Of(host);
        var target = Describe(_settings, host);
        var who = $"Staging host {host.Name} ({target})";
        return _hosts[host.Name] = new SshNetHost(host, target, async cancellation =>
            await _connector.ConnectAsync(endpoint, who, _jump is null ? null : await _jump.TunnelAsync(endpoint, cancellation), cancellation));
    }

    /// <summary>How a host is reached: "root@10.0.0.5:22", or "root@10.0.0.5:22 via deploy@bastion:22".</summary>
    public static string Describe(StagingSettings settings, StagingHost host) =>
        SshEndpoint.Of(host) + (settings.Jump is { } jump ? $" via {jump}" : "");

    /// <summary>The known_hosts lines given as text, else the file given (or the sandbox's), else ~/.ssh/known_hosts.</summary>
    public static KnownHostsMatcher LoadKnownHosts(StagingSettings settings) =>
        settings.KnownHostsLines is { } lines
            ? KnownHostsMatcher.Parse(lines, KnownHostsLinesOrigin)
            : KnownHostsMatcher.Load(settings.KnownHosts ?? DefaultKnownHosts);

    /// <summary>What --dryrun says about the key and the pinned host keys (never the key itself).</summary>
    public static IEnumerable<string> DescribeCredentials(StagingSettings settings)
    {
        yield return $"ssh key: {(settings.SshPrivateKey is null ? StagingIdentity.Describe(settings) : $"the key in {PipelineParameters.StagingSshPrivateKey.EnvVar} ({Redactor.Mask})")}, loaded in memory (no key file is written, no agent is asked)"
            + (settings.SshKeyPassphrase is null ? "" : $", unlocked with {PipelineParameters.StagingSshKeyPassphrase.EnvVar} ({Redactor.Mask})");
        yield return settings.KnownHostsLines is { } lines
            ? $"known hosts: the {lines.Split('\n').Count(l => l.Trim().Length > 0 && !l.TrimStart().StartsWith('#'))} host key line(s) of {PipelineParameters.StagingKnownHosts.EnvVar}, read in memory; any other host key is refused"
            : $"known hosts: {settings.KnownHosts ?? DefaultKnownHosts}; any other host key is refused";
        if (settings.Jump is { } jump)
            yield return $"jump host: {jump} ({PipelineParameters.StagingJump.EnvVar}), its host key checked against the same known hosts; every host is reached through it";
    }

    private static string DefaultKnownHosts => Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".ssh", "known_hosts");

    private static string KnownHostsLinesOrigin =>
        $"the known_hosts lines of {PipelineParameters.StagingKnownHosts.CliName} / {PipelineParameters.StagingKnownHosts.EnvVar}";

    public async ValueTask DisposeAsync()
    {
        foreach (var host in _hosts.Values) await host.DisposeAsync();
        if (_jump is not null) await _jump.DisposeAsync();
        _identity.Dispose();
    }
}
