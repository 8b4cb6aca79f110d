using System.Diagnostics;
using System.Net;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Pipeline.Docker;
using Pipeline.Staging;
using Pipeline.Tests.Staging;

namespace Pipeline.Tests.EndToEnd;

/// <summary>
/// The README's adoption guide, done exactly as written, in a fresh git repository holding the second app
/// (tests/apps/app2: Python, PostgreSQL, JUnit XML): its copy command, its pipeline.json, its two commands. The app
/// runs DockerBuild, StartDeps, Test, Push, DeployStaging and DeployProduction with no change to build/, while the
/// sample app, deployed first, keeps serving on staging untouched: same containers, proxy and lock, no failed request.
/// </summary>
[Collection(BuildScriptCollection.Name)]
public sealed partial class AdoptionGuideTests(ITestOutputHelper output) : IAsyncLifetime
{
    private const string App = "app2";
    private static readonly string SampleSha = new('7', 40);

    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    private readonly DockerEngine _engine = DockerEngine.FromEnvironment();
    private readonly DanglingImages _dangling = new();
    private readonly string _repository = Path.Combine(Directory.CreateTempSubdirectory("adoption-").FullName, App);
    private readonly StagingConnections _ssh = new(StagingFixtures.SandboxSettings());

    public ValueTask InitializeAsync() => ValueTask.CompletedTask;

    [Fact]
    public async Task A_second_app_follows_the_guide_through_the_whole_flow_while_the_sample_app_keeps_serving()
    {
        // The sample app on staging first, at a known version, so the test can watch it.
        var (sampleExit, sample) = await BuildScript.RunAsync(["DeployStaging", "--skip", "StartDeps,Test"],
            // The images carry HEAD's commit time, so an earlier run's push of this tag may hold another image ID.
            new Dictionary<string, string> { ["PIPELINE_SHA"] = SampleSha, ["PIPELINE_BRANCH"] = "develop", ["FORCE_PUSH"] = "true" });
        Assert.True(sampleExit == 0, sample);
        const string sampleVersion = """{"version":"7777777"}""";
        Assert.Equal(sampleVersion, await GetAsync("http://127.0.0.1:8080/version"));
        var sampleBefore = await SampleStateAsync();
        var sampleTaskDefinition = await EcsTaskDefinitionAsync("sample-app");

        // Step 1: the app's own repository, and the guide's copy command run as written.
        CopyDirectory(Path.Combine(BuildScript.RepositoryRoot, "tests", "apps", App), _repository);
        var copy = await RunAsync("bash", ["-c", Guide("copy")], BuildScript.RepositoryRoot, new() { ["APP"] = _repository });
        Assert.True(copy.ExitCode == 0, copy.Output);
        // Step 2: its pipeline.json, from the guide.
        await File.WriteAllTextAsync(Path.Combine(_repository, "pipeline.json"), Guide("pipeline.json"), Cancellation);
        foreach (var git in new[] { "init -q", "add -A", "-c user.name=adopter -c user.email=adopter@example.com commit -q -m app2" })
            Assert.Equal(0, (await RunAsync("git", git.Split(' '), _repository, [])).ExitCode);
        var sha = (await RunAsync("git", ["rev-parse", "HEAD"], _repository, [])).Output.Trim();

        // Step 3: the guide's two commands, in the app's repository.
        var commands = Guide("run").Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        Assert.Equal(["./build.sh Test", "./build.sh DeployStaging DeployProduction"], commands);
        var (testExit, test) = await BuildInAppAsync(commands[0]);
        Assert.True(testExit == 0, test);
        Assert.Contains("postgres 127.0.0.1:5000/sandbox/postgres:15", test);
        Assert.Matches(@"read \d+ test result\(s\) from /tmp/test-results/junit.xml", test);
        var counts = TestCounts().Match(test);
        Assert.True(counts.Success, test);
        var junit = await File.ReadAllTextAsync(Path.Combine(_repository, "test-results", "junit.xml"), Cancellation);
        Assert.Equal(int.Parse(counts.Groups[1].Value), Regex.Matches(junit, "<testcase ").Count);
        Assert.True(int.Parse(counts.Groups[1].Value) >= 10, test);
        Assert.Equal("0", counts.Groups[2].Value);

        // The load spans app2's whole deploy: answered before it starts and once more after it ends.
        var load = new StagingLoadClient("http://127.0.0.1:8080/version");
        load.Start();
        await load.WaitForSuccessesAsync(1);
        var (deployExit, deploy) = await BuildInAppAsync(commands[1]);
        await load.WaitForSuccessesAsync(load.Succeeded + 1);
        await load.StopAsync();
        output.WriteLine($"sample app through its load balancer during app2's deploys: {load.Succeeded} succeeded, {load.Failures.Count} failed");
        Assert.True(deployExit == 0, deploy);
        Assert.True(load.StoppedByCaller, $"the load client ended by {load.EndReason}, before app2's deploy did");
        Assert.Empty(load.Failures);
        Assert.Equal([sampleVersion], load.Bodies);
        Assert.Equal(sampleBefore, await SampleStateAsync());
        Assert.Equal(sampleTaskDefinition, await EcsTaskDefinitionAsync("sample-app"));

        // app2 serves on its own load balancer, and production runs its image.
        var balancer = (string)JsonNode.Parse(await File.ReadAllTextAsync(Path.Combine(SandboxAwsCli.SandboxDir, "sandbox.json"), Cancellation))!["apps"]![App]!["loadBalancer"]!;
        Assert.NotEqual("http://127.0.0.1:8080", balancer);
        Assert.Equal(sha[..7], await GetAsync($"{balancer}/version"));
        using (var http = new HttpClient { Timeout = TimeSpan.FromSeconds(10) })
        {
            var created = await http.PostAsync($"{balancer}/notes", new StringContent("""{"text": "adopted"}"""), Cancellation);
            Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        }
        var definition = await SandboxAwsCli.RunAsync("ecs", "describe-task-definition", "--task-definition", await EcsTaskDefinitionAsync(App));
        var image = (string)definition["taskDefinition"]!["containerDefinitions"]![0]!["image"]!;
        Assert.StartsWith($"127.0.0.1:5000/{App}:", image);
        Assert.EndsWith(sha[..7], image);
    }

    private async Task<(int ExitCode, string Output)> BuildInAppAsync(string command)
    {
        var arguments = command.Split(' ');
        Assert.Equal("./build.sh", arguments[0]);
        var result = await ScriptProcess.RunAsync(Path.Combine(_repository, "build.sh"), arguments[1..], _repository,
            BuildScript.SuiteEnvironment(new Dictionary<string, string?>()), TimeSpan.FromMinutes(15));
        output.WriteLine($"$ {command}\n{result.Output}");
        return result;
    }

    /// <summary>The fenced block after the README's "&lt;!-- adoption: NAME --&gt;" marker.</summary>
    private static string Guide(string name)
    {
        var readme = File.ReadAllText(Path.Combine(BuildScript.RepositoryRoot, "README.md"));
        var match = Regex.Match(readme, $@"<!-- adoption: {Regex.Escape(name)} -->\s*```[a-z]*\n(?<body>.*?)```", RegexOptions.Singleline);
        Assert.True(match.Success, $"README.md has no block marked <!-- adoption: {name} -->");
        return match.Groups["body"].Value;
    }

    /// <summary>The sample app's containers, proxy and lock on each host: what app2's deploys must not change.</summary>
    private async Task<string> SampleStateAsync()
    {
        var state = "";
        foreach (var host in StagingFixtures.SandboxSettings().Hosts)
        {
            var answer = await _ssh.For(host).RunCheckedAsync(RemoteCommand.Script("sample-app state", """
                docker ps -a --no-trunc --filter label=pipeline.staging.app=sample-app --format '{{.ID}} {{.Names}} {{.State}}' | sort
                docker inspect --format '{{.Id}} {{.State.StartedAt}}' sample-app-proxy
                ls -a "$HOME/.pipeline/locks/sample-app" 2>/dev/null || echo "no lock"
                """), default);
            state += $"{host.Name}:\n{answer.Output}\n";
        }
        return state;
    }

    private static async Task<string> EcsTaskDefinitionAsync(string service) =>
        (string)(await SandboxAwsCli.RunAsync("ecs", "describe-services", "--cluster", "sandbox", "--services", service))["services"]![0]!["taskDefinition"]!;

    private static async Task<string> GetAsync(string url)
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(10) };
        return await http.GetStringAsync(url);
    }

    private static async Task<(int ExitCode, string Output)> RunAsync(
        string file, IEnumerable<string> arguments, string directory, Dictionary<string, string?> environment)
    {
        var start = new ProcessStartInfo(file) { WorkingDirectory = directory };
        foreach (var argument in arguments) start.ArgumentList.Add(argument);
        foreach (var (name, value) in environment) start.Environment[name] = value;
        return await ScriptProcess.RunAsync(start, TimeSpan.FromMinutes(2));
    }

    private static void CopyDirectory(string from, string to)
    {
        Directory.CreateDirectory(to);
        foreach (var file in Directory.GetFiles(from)) File.Copy(file, Path.Combine(to, Path.GetFileName(file)));
        foreach (var dir in Directory.GetDirectories(from))
            if (Path.GetFileName(dir) is not ("__pycache__" or ".pytest_cache")) CopyDirectory(dir, Path.Combine(to, Path.GetFileName(dir)));
    }

    [GeneratedRegex(@"tests: Passed: (\d+), Failed: (\d+)")]
    private static partial Regex TestCounts();

    // What the two apps' runs left: app2 everywhere (its ECS service scaled to none, its containers, proxy, lock and
    // images on the hosts, its images here), and the images this test built for the sample app.
    public async ValueTask DisposeAsync()
    {
        try
        {
            await SandboxAwsCli.RunAsync("ecs", "update-service", "--cluster", "sandbox", "--service", App, "--desired-count", "0");
        }
        catch (Exception e) when (e is InvalidOperationException or Xunit.Sdk.XunitException)
        {
            output.WriteLine($"could not scale {App} to 0: {e.Message}");
        }
        foreach (var host in StagingFixtures.SandboxSettings().Hosts)
            await _ssh.For(host).RunAsync(RemoteCommand.Script("cleanup", StagingHostsHelper.CleanupScript, App, $"127.0.0.1:5000/{App}"), default);
        await _ssh.DisposeAsync();
        foreach (var label in new[] { $"pipeline.repository={App}", $"org.opencontainers.image.revision={SampleSha}" })
            foreach (var image in await _engine.Images.ListByLabelAsync(label, default))
                try
                {
                    await _engine.Images.RemoveAsync(image.Id, force: true, default);
                }
                catch (PipelineException)
                {
                    // one a running production task still uses stays, as the suite's leak check allows
                }
        _dangling.RemoveNew();
        _engine.Dispose();
        Directory.Delete(Path.GetDirectoryName(_repository)!, recursive: true);
    }
}
