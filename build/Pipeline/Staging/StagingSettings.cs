using Pipeline.Config;
using Pipeline.Registry;

namespace Pipeline.Staging;

/// <summary>
/// What the staging targets need beyond the shared settings, built from the same resolved values. In the sandbox,
/// hosts, key, known_hosts, env files, hooks and the proxy image come from sandbox.json unless given for the run.
/// SshKey and KnownHosts are paths; a key or known_hosts lines given as text are in SshPrivateKey and KnownHostsLines.
/// </summary>
public sealed record StagingSettings(
    IReadOnlyList<StagingHost> Hosts,
    string? SshKey,
    string? KnownHosts,
    string Container,
    int AppPort,
    string EnvFile,
    string Network,
    string ProxyImage,
    TimeSpan HealthTimeout,
    string? HealthInterval,
    TimeSpan SshConnectTimeout,
    string? BeforeHost,
    string? AfterHost,
    TimeSpan LockWait,
    string Image,
    string Version)
{
    public string ProxyContainer => Container + "-proxy";

    /// <summary>The key itself (STAGING_SSH_PRIVATE_KEY), normalised; loaded in memory, never written to a file.</summary>
    public Secret? SshPrivateKey { get; init; }

    /// <summary>STAGING_SSH_KEY_PASSPHRASE, for a passphrase-protected key (file or text).</summary>
    public Secret? SshKeyPassphrase { get; init; }

    /// <summary>The known_hosts lines when --staging-known-hosts gave lines rather than a path; parsed in memory.</summary>
    public string? KnownHostsLines { get; init; }

    /// <summary>The jump host (--staging-jump) every staging host is reached through, if any.</summary>
    public SshEndpoint? Jump { get; init; }

    public static StagingSettings From(PipelineSettings settings)
    {
        var values = settings.Values;
        var sandbox = settings.IsSandbox ? settings.Sandbox.ReadStaging(settings.AppName) : null;
        string? Pick(ParameterDefinition parameter, string? sandboxValue) =>
            values.Get(parameter) is { } given && (values.IsOverridden(parameter) || sandboxValue is null) ? given : sandboxValue ?? values.Get(parameter);

        var appPort = values.Number(PipelineParameters.AppPort);
        var hostSpecs = values.Get(PipelineParameters.StagingHosts);
        IReadOnlyList<StagingHost> hosts = hostSpecs is not null
            ? StagingHost.ParseList(values.List(PipelineParameters.StagingHosts), appPort, values[PipelineParameters.StagingHosts].Origin)
            : sandbox?.Hosts.Select(h => new StagingHost(h.Name, h.User, h.Address, h.Port, "127.0.0.1", h.AppPort, h.EnvFile)).ToList() ?? [];

        // The container name, network, env file and interval have been checked against their kinds (SettingKinds).
        var container = settings.AppName;
        var interval = values.Get(PipelineParameters.HealthInterval);

        var passphrase = values.Get(PipelineParameters.StagingSshKeyPassphrase) is { Length: > 0 } p ? new Secret(p) : null;
        var privateKey = PrivateKey(values, passphrase is not null);
        // The sandbox's jump host is how its own hosts are reached; hosts named in STAGING_HOSTS are reached directly
        // unless STAGING_JUMP says otherwise.
        var jump = Pick(PipelineParameters.StagingJump, hostSpecs is null ? sandbox?.Jump : null) is { Length: > 0 } j
            ? SshEndpoint.ParseJump(j, values.Get(PipelineParameters.StagingJump) is null ? "sandbox.json's staging.jump" : values[PipelineParameters.StagingJump].Origin)
            : null;
        var knownHosts = Pick(PipelineParameters.StagingKnownHosts, sandbox?.KnownHosts);
        // Only a value given by the user can be lines; the sandbox's is always a path, whatever its directory is called.
        var knownHostsLines = knownHosts is not null && knownHosts == values.Get(PipelineParameters.StagingKnownHosts) && KnownHostsText.IsContent(knownHosts)
            ? KnownHostsText.Normalise(knownHosts, values[PipelineParameters.StagingKnownHosts].Origin)
            : null;

        var tag = PublishSettings.From(settings).Tag;
        return new StagingSettings(
            hosts,
            privateKey is null ? ExpandHome(Pick(PipelineParameters.StagingSshKey, sandbox?.IdentityFile)) : null,
            knownHostsLines is null ? ExpandHome(knownHosts) : null,
            container,
            appPort,
            values.Get(PipelineParameters.StagingEnvFile) ?? $"~/{container}.env",
            values.Get(PipelineParameters.StagingNetwork)!,
            Pick(PipelineParameters.StagingProxyImage, sandbox?.ProxyImage)!,
            TimeSpan.FromSeconds(values.Number(PipelineParameters.HealthTimeout)),
            interval is { Length: > 0 } ? interval : null,
            TimeSpan.FromSeconds(values.Number(PipelineParameters.SshTimeout)),
            Pick(PipelineParameters.BeforeHost, sandbox?.DrainCommand is { Length: > 0 } d ? d : null),
            Pick(PipelineParameters.AfterHost, sandbox?.EnableCommand is { Length: > 0 } e ? e : null),
            TimeSpan.FromSeconds(values.Number(PipelineParameters.LockWait)),
            $"{settings.Images.RegistryRepository}:{tag}",
            tag)
        {
            SshPrivateKey = privateKey,
            SshKeyPassphrase = passphrase,
            KnownHostsLines = knownHostsLines,
            Jump = jump,
        };
    }

    private static Secret? PrivateKey(ParameterValues values, bool passphraseGiven)
    {
        if (values.Get(PipelineParameters.StagingSshPrivateKey) is not { } text) return null;
        var path = PipelineParameters.StagingSshKey;
        var content = PipelineParameters.StagingSshPrivateKey;
        if (values.Get(path) is not null)
            throw new PipelineException(
                $"{values[path].Origin} and {content.EnvVar} are both set: the staging key must come from one of them",
                $"Unset one: {content.EnvVar} holds the key itself (e.g. a CI secret), {path.CliName} / {path.EnvVar} the path of a key file.");
        return PrivateKeyText.Normalise(text, passphraseGiven);
    }

    /// <summary>The env file for one host: its own (sandbox hosts each have one), else the shared setting.</summary>
    public string EnvFileFor(StagingHost host) => host.EnvFile ?? EnvFile;

    public StagingHost RequireHosts() => Hosts.Count > 0
        ? Hosts[0]
        : throw new PipelineException(
            "No staging hosts are configured",
            "Set --staging-hosts / STAGING_HOSTS, or run sandbox/up.sh for the sandbox's hosts.");

    /// <summary>
    /// The first host (the lock's), once the key and known_hosts files named exist too, so a typo in a path fails
    /// before any host is touched, naming the setting. A dry run does not need them.
    /// </summary>
    public StagingHost RequireConnectionSettings()
    {
        var first = RequireHosts();
        RequireFile(SshKey, "staging SSH key", $"{PipelineParameters.StagingSshKey.CliName} / {PipelineParameters.StagingSshKey.EnvVar}",
            $" or give the key itself in {PipelineParameters.StagingSshPrivateKey.EnvVar}");
        RequireFile(KnownHosts, "staging known_hosts file", $"{PipelineParameters.StagingKnownHosts.CliName} / {PipelineParameters.StagingKnownHosts.EnvVar}",
            " or give its lines there instead of a path");
        return first;
    }

    private static void RequireFile(string? path, string what, string setting, string alternative)
    {
        if (path is null || File.Exists(path)) return;
        throw new PipelineException(
            $"The {what} {path} does not exist",
            $"Point {setting} at an existing file{alternative}; for the sandbox's hosts, run sandbox/up.sh.");
    }

    private static string? ExpandHome(string? path) =>
        path is not null && path.StartsWith("~/", StringComparison.Ordinal)
            ? Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), path[2..])
            : path;
}
