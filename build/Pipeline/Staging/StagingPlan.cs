using Pipeline.Config;
using Pipeline.Docker;
using Pipeline.Registry;

namespace Pipeline.Staging;

/// <summary>
/// The staging targets' plan as text for --dryrun: every command exactly as it would run, built by the same
/// AppCommands the run uses. What only the hosts know (which container is active) is shown in angle brackets;
/// stdin secrets as [REDACTED]. Nothing connects anywhere.
/// </summary>
public sealed class StagingPlan(StagingSettings settings, string runId)
{
    public const string ActivePlaceholder = "<active container>";
    public const string PreviousPlaceholder = "<previous container>";

    private readonly AppCommands _commands = new(settings);
    private readonly HostHooks _hooks = new(settings.BeforeHost, settings.AfterHost);

    public IEnumerable<string> DescribeDeploy(PipelineSettings? pipeline = null)
    {
        var candidate = _commands.ContainerFor(settings.Version);
        return Describe("DeployStaging", settings.Version, host =>
        [
            ("app port free: on every host at once, before any host changes", _commands.AppPortHolders(host)),
            ("login, pull: on every host at once, before any host changes", _commands.LoginAndPull(PlannedLogin(pipeline))),
            ("read state", _commands.State()),
            ("if a stopped " + candidate + " exists", _commands.RemoveContainer(candidate)),
            ("start", _commands.Run(host, settings.Version, runId)),
            ("poll until healthy", _commands.Health(candidate)),
            ("if unhealthy: logs", _commands.Logs(candidate)),
            ("if unhealthy: remove", _commands.RemoveContainer(candidate)),
            .. Switch(host, candidate, ActivePlaceholder),
        ]);
    }

    public IEnumerable<string> DescribeRollback() => Describe("Rollback", "previous", host =>
    [
        ("read state", _commands.State()),
        ("start", _commands.Start(PreviousPlaceholder)),
        ("poll until healthy", _commands.Health(PreviousPlaceholder)),
        ("if unhealthy: logs", _commands.Logs(PreviousPlaceholder)),
        ("if unhealthy: stop", _commands.Stop(PreviousPlaceholder)),
        .. Switch(host, PreviousPlaceholder, ActivePlaceholder),
    ]);

    private IEnumerable<string> Describe(
        string target, string version, Func<StagingHost, IReadOnlyList<(string When, RemoteCommand Command)>> steps)
    {
        var first = settings.RequireHosts();
        var holder = LockHolder.ForThisRun(target, version, runId, DateTimeOffset.UtcNow);
        yield return $"image {settings.Image}, hosts in turn: {string.Join(", ", settings.Hosts)}";
        foreach (var line in StagingConnections.DescribeCredentials(settings)) yield return line;
        yield return $"lock on {first.Name}: {DeployLock.AcquireCommand(settings.Container, holder).Display}";
        foreach (var host in settings.Hosts)
        {
            yield return $"{host.Name}: {ConnectionLine(settings, host)}";
            foreach (var (when, command) in steps(host))
                yield return $"{host.Name}: [{when}] {command.Display}";
            foreach (var hook in _hooks.Describe(host)) yield return $"{host.Name}: {hook}";
        }
        yield return $"unlock on {first.Name}: {DeployLock.ReleaseCommand(settings.Container, runId).Display}";
        yield return "then every connection is closed";
    }

    /// <summary>How each of the host's commands reaches it, the exact line its login shell gets included.</summary>
    public static string ConnectionLine(StagingSettings settings, StagingHost host) =>
        $"every command runs over one SSH connection to {StagingConnections.Describe(settings, host)} " +
        $"(connect timeout {settings.SshConnectTimeout.TotalSeconds:0} s, keep-alive every {SshConnector.KeepAliveInterval.TotalSeconds:0} s), " +
        $"its login shell running: {RemoteExecution.WireLine("<command>")}";

    private IReadOnlyList<(string, RemoteCommand)> Switch(StagingHost host, string candidate, string active) =>
    [
        ("if the proxy is missing", _commands.RunProxy(host)),
        ("if the proxy is stopped", _commands.StartProxy()),
        ("switch (between the hooks)", _commands.Switch(candidate)),
        ("stop the old one, kept for Rollback", _commands.Stop(active)),
        ("keep one previous", _commands.Prune(candidate, active)),
    ];

    // The login the run would use, with a stand-in for the token the dry run never fetches.
    private static RegistryCredentials? PlannedLogin(PipelineSettings? pipeline)
    {
        if (pipeline is null) return new RegistryCredentials("<registry>", "<user>", new Secret("<token " + Guid.NewGuid().ToString("N") + ">"));
        return RegistryLogin.Mode(pipeline) switch
        {
            "none" => null,
            "basic" => RegistryLogin.For(pipeline),
            // ECR tokens are for the user AWS; the sandbox's endpoint hands out its registry user's.
            _ => new RegistryCredentials(pipeline.Registry ?? "<no registry configured>", pipeline.IsSandbox ? SandboxProfile.RegistryUser : "AWS", new Secret("<ECR token " + Guid.NewGuid().ToString("N") + ">")),
        };
    }
}
