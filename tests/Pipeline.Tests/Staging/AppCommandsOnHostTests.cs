using Pipeline.Staging;

namespace Pipeline.Tests.Staging;

/// <summary>
/// The behavioural partners of <see cref="AppCommandsTests"/>' snapshots of the start and pull commands, run on the
/// sandbox's staging-1: the start leaves a container whose engine settings are the ones the line names (the rolling
/// deploy tests only see that the app answers, never its restart policy, log rotation, labels or env file), and the
/// pull without a login asks the registry with no credentials.
/// </summary>
public sealed class AppCommandsOnHostTests : IAsyncLifetime
{
    private static CancellationToken Token => TestContext.Current.CancellationToken;

    private readonly string _id = Guid.NewGuid().ToString("N")[..8];
    private readonly StagingSettings _settings;
    private StagingConnections? _session;

    public AppCommandsOnHostTests()
    {
        _settings = StagingFixtures.SandboxSettings() with
        {
            Container = "appcmd-" + _id,
            Network = "appcmd-net-" + _id,
            Image = "127.0.0.1:5000/sandbox/redis:7.0",
            HealthInterval = "1s",
        };
    }

    private IRemoteHost Host => _session!.For(_settings.Hosts[0]);

    // A path with a space, under the remote user's home: the line must quote it and expand ~ on the host.
    private string EnvFile => $"~/appcmd {_id}.env";

    public async ValueTask InitializeAsync()
    {
        _session = new StagingConnections(_settings);
        await Host.RunCheckedAsync(RemoteCommand.Of("make the network", "docker", "network", "create", _settings.Network), Token);
        await Host.RunCheckedAsync(RemoteCommand.Script("write the env file", "printf 'GREETING=%s\\n' \"$2\" > \"$HOME/$1\"",
            $"appcmd {_id}.env", "hello from the env file"), Token);
    }

    public async ValueTask DisposeAsync()
    {
        await Host.RunAsync(RemoteCommand.Of("remove", "docker", "rm", "--force", $"appcmd-{_id}-v1"), default);
        await Host.RunAsync(RemoteCommand.Of("remove the network", "docker", "network", "rm", _settings.Network), default);
        await Host.RunAsync(RemoteCommand.Script("remove the env file", "rm -f \"$HOME/$1\"", $"appcmd {_id}.env"), default);
        await _session!.DisposeAsync();
    }

    [Fact]
    public async Task The_start_command_runs_a_container_with_its_network_env_file_restart_policy_log_rotation_labels_and_interval()
    {
        var host = _settings.Hosts[0] with { EnvFile = EnvFile };
        await Host.RunCheckedAsync(new AppCommands(_settings).Run(host, "v1", "run-" + _id), Token);

        var name = $"appcmd-{_id}-v1";
        var facts = await Host.RunCheckedAsync(RemoteCommand.Of("inspect", "docker", "inspect", "--format", string.Join("|",
            "{{.HostConfig.RestartPolicy.Name}}",
            "{{.HostConfig.LogConfig.Type}}",
            "{{index .HostConfig.LogConfig.Config \"max-size\"}}",
            "{{index .HostConfig.LogConfig.Config \"max-file\"}}",
            "{{index .Config.Labels \"pipeline.staging.app\"}}",
            "{{index .Config.Labels \"pipeline.version\"}}",
            "{{index .Config.Labels \"pipeline.deploy.run-id\"}}",
            "{{.Config.Healthcheck.Interval}}",
            "{{range $n, $_ := .NetworkSettings.Networks}}{{$n}} {{end}}",
            "{{.Config.Image}}"), name), Token);
        Assert.Equal(
            $"unless-stopped|json-file|10m|3|appcmd-{_id}|v1|run-{_id}|1s|appcmd-net-{_id} |127.0.0.1:5000/sandbox/redis:7.0",
            facts.Output.Trim());

        var environment = await Host.RunCheckedAsync(RemoteCommand.Of("env", "docker", "inspect", "--format", "{{range .Config.Env}}{{println .}}{{end}}", name), Token);
        Assert.Contains("GREETING=hello from the env file", environment.Output.Split('\n'));
    }

    [Fact]
    public async Task Without_a_login_the_pull_asks_the_registry_anonymously_and_with_one_it_logs_in_first()
    {
        // The partner of AppCommandsTests' "nothing is sent on stdin": with no login the script logs in to nothing
        // and the sandbox's registry, which wants one, refuses the pull; given the login, the same pull succeeds.
        var commands = new AppCommands(_settings with { ProxyImage = _settings.Image });

        var anonymous = await Host.RunAsync(commands.LoginAndPull(null), Token);
        Assert.True(anonymous.ExitCode != 0 && anonymous.Combined.Contains("no basic auth credentials"), anonymous.Combined);

        var password = File.ReadAllText(Path.Combine(Pipeline.Tests.EndToEnd.SandboxAwsCli.SandboxDir, "registry", "password")).Trim();
        var login = new Pipeline.Docker.RegistryCredentials("127.0.0.1:5000", "pipeline", new Pipeline.Config.Secret(password));
        var pulled = await Host.RunAsync(commands.LoginAndPull(login), Token);
        Assert.True(pulled.ExitCode == 0, pulled.Combined);
    }
}
