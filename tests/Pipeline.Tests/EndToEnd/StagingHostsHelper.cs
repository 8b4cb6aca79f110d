using Pipeline.Docker;
using Pipeline.Staging;
using Pipeline.Tests.Staging;

namespace Pipeline.Tests.EndToEnd;

/// <summary>
/// What the staging end-to-end tests share: a per-class app name and repository, the ./build.sh environment that
/// targets them, reading the hosts, and removing everything a class deployed (the hosts' mysql and redis stay).
/// </summary>
public sealed class StagingHostsHelper : IAsyncDisposable
{
    private readonly DockerEngine _engine = DockerEngine.FromEnvironment();
    private readonly DanglingImages _dangling = new();
    private readonly StagingSettings _settings;
    private readonly StagingConnections _ssh;

    /// <summary>
    /// The one sandbox app every throwaway deploy of the suite is (slot 0, the sample app's ECS service), with a
    /// repository of its own per test: the sandbox provisions an app once, not once per test (some 30 s each).
    /// </summary>
    public const string App = "e2e-app";

    /// <summary>What makes a run deploy as <see cref="App"/>.</summary>
    public static Dictionary<string, string> AppIdentity() => new()
    {
        ["STAGING_CONTAINER"] = App,
        // A throwaway app shares the sample app's sandbox slot (its load balancer on 8080, app ports 3001/3002),
        // whose ports BorrowAppPortsAsync frees, and its ECS service, which SandboxProductionService puts back.
        ["SANDBOX_SLOT"] = "0",
        ["ECS_SERVICE"] = "sample-app",
    };

    public StagingHostsHelper(string prefix)
    {
        Repository = $"e2e-{prefix}-{Guid.NewGuid().ToString("N")[..8]}";
        Container = App;
        _settings = StagingFixtures.SandboxSettings() with { Container = Container };
        _ssh = new StagingConnections(_settings);
        Hosts = _settings.Hosts;
    }

    public string Repository { get; }

    public string Container { get; }

    public IReadOnlyList<StagingHost> Hosts { get; }

    private readonly List<(StagingHost Host, string Name)> _borrowed = [];

    /// <summary>
    /// Stops whatever else publishes the hosts' app ports (an app deployed by hand, such as a rehearsal's
    /// sample-app), so this class's proxies can take them; DisposeAsync starts those containers again.
    /// </summary>
    public async Task BorrowAppPortsAsync()
    {
        var commands = new AppCommands(_settings);
        foreach (var host in Hosts)
        {
            var answer = await _ssh.For(host).RunCheckedAsync(commands.AppPortHolders(host), default);
            foreach (var (name, _) in commands.OtherPortHolders(answer.Output))
            {
                await _ssh.For(host).RunCheckedAsync(RemoteCommand.Of("stop " + name, "docker", "stop", name), default);
                _borrowed.Add((host, name));
            }
        }
    }

    public static string Sha(char digit) => new(digit, 40);

    /// <summary>The env file the sandbox writes for <see cref="App"/> in a host's home.</summary>
    public static string AppEnvFile(StagingHost host) => Path.Combine(Path.GetDirectoryName(host.EnvFile)!, App + ".env");

    public Dictionary<string, string> Environment(char version) => new(AppIdentity())
    {
        ["AWS_ECR_REPO"] = Repository,
        ["PIPELINE_SHA"] = Sha(version),
        ["PIPELINE_BRANCH"] = "develop",
    };

    /// <summary>GET /version through one host's app port (its proxy), as the load balancer reaches it.</summary>
    public static async Task<string> VersionAsync(StagingHost host)
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
        return await http.GetStringAsync($"http://127.0.0.1:{host.AppPort}/version");
    }

    /// <summary>Every container on the host's engine (id, name, state, image): what a dry run must not change.</summary>
    public async Task<string> ContainersAsync(StagingHost host)
    {
        var result = await _ssh.For(host).RunCheckedAsync(
            RemoteCommand.Of("list containers", "docker", "ps", "-a", "--no-trunc", "--format", "{{.ID}} {{.Names}} {{.State}} {{.Image}}"), default);
        return result.Output;
    }

    public async Task<string> RunAsync(StagingHost host, params string[] argv) =>
        (await _ssh.For(host).RunAsync(RemoteCommand.Of("test command", argv), default)).Combined;

    /// <summary>Takes the app's deploy lock as someone else would (e.g. a run that then died).</summary>
    public async Task TakeLockAsync(LockHolder holder) =>
        await _ssh.For(Hosts[0]).RunCheckedAsync(DeployLock.AcquireCommand(Container, holder), default);

    /// <summary>The tags of this class's repository in the sandbox registry, read over the distribution API.</summary>
    public async Task<string> RegistryTagsAsync()
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(10) };
        var password = File.ReadAllText(Path.Combine(SandboxAwsCli.SandboxDir, "registry", "password")).Trim();
        http.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue(
            "Basic", Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes("pipeline:" + password)));
        using var response = await http.GetAsync($"http://127.0.0.1:5000/v2/{Repository}/tags/list");
        return await response.Content.ReadAsStringAsync();
    }

    /// <summary>"free", or "held" and the holder file.</summary>
    public async Task<string> LockStateAsync() =>
        (await _ssh.For(Hosts[0]).RunCheckedAsync(DeployLock.ShowCommand(Container), default)).Output;

    /// <summary>Removes an app from a host: its containers, its proxy, its lock, and the images pulled for it ($1 the app, $2 its image repository).</summary>
    public const string CleanupScript =
        """
        docker ps -aq --filter "label=pipeline.staging.app=$1" | xargs -r docker rm --force >/dev/null
        docker rm --force "$1-proxy" >/dev/null 2>&1
        rm -rf "$HOME/.pipeline/locks/$1"
        docker images -q "$2" | sort -u | xargs -r docker rmi --force >/dev/null 2>&1
        true
        """;

    public async ValueTask DisposeAsync()
    {
        foreach (var host in Hosts)
            await _ssh.For(host).RunAsync(RemoteCommand.Script("cleanup", CleanupScript, Container, $"127.0.0.1:5000/{Repository}"), default);
        foreach (var (host, name) in _borrowed)
            await _ssh.For(host).RunAsync(RemoteCommand.Of("start " + name + " again", "docker", "start", name), default);
        await _ssh.DisposeAsync();
        foreach (var image in await _engine.Images.ListByLabelAsync($"pipeline.repository={Repository}", default))
            await _engine.Images.RemoveAsync(image.Id, force: true, default);
        _dangling.RemoveNew();
        _engine.Dispose();
    }
}
