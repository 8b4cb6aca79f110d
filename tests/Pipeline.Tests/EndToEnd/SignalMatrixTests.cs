using Pipeline.Docker;
using Pipeline.Tests.Staging;

namespace Pipeline.Tests.EndToEnd;

/// <summary>
/// Real signals at the four places a cancel hurts most: while StartDeps waits for MySQL, while Push uploads, while
/// the staging health gate waits for a candidate, and while DeployProduction watches a deployment. SIGINT (Ctrl-C),
/// SIGTERM (a CI cancel), SIGHUP (a closed terminal), and SIGINT then SIGTERM a second later (GitHub's cancel).
/// Each run exits 128 + the first signal's number, and leaves: the old version serving, the lock free, no key
/// file, no candidate or deps container, and the ECS service on a COMPLETED revision.
/// </summary>
[Collection(BuildScriptCollection.Name)]
public sealed class SignalMatrixTests(SignalMatrixTests.World world) : IClassFixture<SignalMatrixTests.World>
{
    public static TheoryData<string, string> Cases()
    {
        var data = new TheoryData<string, string>();
        foreach (var phase in new[] { "StartDeps", "Push", "HealthGate", "ProductionWatch" })
        foreach (var signals in new[] { "INT", "TERM", "HUP", "INT,TERM" })
            data.Add(phase, signals);
        return data;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task A_signal_ends_the_run_with_its_code_and_leaves_nothing_half_done(string phase, string signals)
    {
        var sha = SignalMatrixTests.World.NextSha();
        var temp = Directory.CreateTempSubdirectory("signal-run-").FullName;
        try
        {
            var (arguments, environment, marker) = world.Scenario(phase, sha, temp);
            var productionBefore = phase == "ProductionWatch" ? await World.ProductionAsync() : default;
            using var run = BuildScript.Start(arguments, environment);
            await run.WaitForLineAsync(marker, TimeSpan.FromMinutes(4));
            var sent = signals.Split(',');
            run.Signal(sent[0]);
            if (sent.Length > 1)
            {
                // GitHub's cancel: SIGTERM follows. A run whose cleanup already finished has nothing left to signal.
                await Task.Delay(TimeSpan.FromSeconds(1), TestContext.Current.CancellationToken);
                if (!run.HasExited) run.Signal(sent[1]);
            }
            var (exitCode, output) = await run.WaitForExitAsync(TimeSpan.FromMinutes(6));

            Assert.True(exitCode == Expected(sent[0]), $"exit code {exitCode}, expected {Expected(sent[0])}. Output:\n{output}");
            Assert.Contains($"SIG{sent[0]}: cancelling", output);
            var runId = World.RunId(output);
            Assert.Empty(await world.Engine.Containers.ListByLabelAsync($"pipeline.run-id={runId}", TestContext.Current.CancellationToken));
            Assert.Empty(await world.Engine.Networks.ListByLabelAsync($"pipeline.run-id={runId}", TestContext.Current.CancellationToken));
            Assert.Empty(Directory.GetDirectories(temp, "pipeline-ssh-*"));
            await world.AssertStagingUnchangedAsync(sha);
            if (phase == "Push") await world.AssertNotPushedAsync(sha);
            if (phase == "ProductionWatch")
            {
                var after = await World.ProductionAsync();
                Assert.Equal(productionBefore.TaskDefinition, after.TaskDefinition);
                Assert.Equal("COMPLETED", after.RolloutState);
                Assert.Contains("rolled back to", output);
            }
        }
        finally
        {
            Directory.Delete(temp, recursive: true);
        }
    }

    private static int Expected(string signal) => 128 + signal switch { "HUP" => 1, "INT" => 2, _ => 15 };

    /// <summary>
    /// What the cases share: an app of their own deployed to both staging hosts (the old version), and app builds
    /// that are slow where the cases need time: a 100 MB layer to upload, a start that takes minutes.
    /// </summary>
    public sealed class World : IAsyncLifetime
    {
        private static int _sha;
        private readonly StagingHostsHelper _staging = new("signal");
        private readonly AppVariant _slow = AppVariant.SlowStarting(600);
        private readonly List<AppVariant> _variants = [];

        public DockerEngine Engine { get; } = DockerEngine.FromEnvironment();

        private readonly string _key = File.ReadAllText(StagingFixtures.Sandbox().IdentityFile);

        public static string NextSha() => $"5a{Interlocked.Increment(ref _sha):x2}".PadRight(40, '0');

        public async ValueTask InitializeAsync()
        {
            await _staging.BorrowAppPortsAsync();
            var (exitCode, output) = await BuildScript.RunAsync(["DeployStaging", "--skip", "StartDeps,Test"], _staging.Environment('1'));
            Assert.True(exitCode == 0, output);
        }

        public (string[] Arguments, Dictionary<string, string> Environment, Func<string, bool> Marker) Scenario(string phase, string sha, string temp)
        {
            var environment = new Dictionary<string, string>(StagingHostsHelper.AppIdentity())
            {
                ["AWS_ECR_REPO"] = _staging.Repository,
                ["PIPELINE_SHA"] = sha,
                ["PIPELINE_BRANCH"] = "develop",
                ["TMPDIR"] = temp,
            };
            switch (phase)
            {
                case "StartDeps":
                    // A "MySQL" that never answers a query: the readiness wait is under way when the signal comes.
                    environment["MYSQL_IMAGE"] = "127.0.0.1:5000/sandbox/redis:7.0";
                    environment["DEPS_TIMEOUT"] = "300";
                    return (["DepsUp", "--skip", "Restore"], environment, l => l.Contains("started pipeline-mysql"));
                case "Push":
                    var big = new AppVariant("src/blob.bin", "").WithRandom("src/blob.bin", 100_000_000);
                    _variants.Add(big);
                    environment["DOCKER_CONTEXT"] = big.Directory;
                    return (["Push", "--skip", "Restore,StartDeps,Test"], environment, l => l.StartsWith("==> Pushing"));
                case "HealthGate":
                    foreach (var (name, value) in _staging.Environment('1')) environment.TryAdd(name, value);
                    environment["DOCKER_CONTEXT"] = _slow.Directory;
                    environment["HEALTH_TIMEOUT"] = "600";
                    environment["STAGING_SSH_PRIVATE_KEY"] = _key;
                    return (["DeployStaging", "--skip", "Restore,StartDeps,Test"], environment, l => l.Contains("to report healthy"));
                default:
                    environment["PIPELINE_BRANCH"] = "main";
                    environment["DOCKER_CONTEXT"] = _slow.Directory;
                    environment["DEPLOY_TIMEOUT"] = "600";
                    return (["DeployProduction", "--skip", "Restore,StartDeps,Test"], environment, l => l.StartsWith("==> Waiting for deployment"));
            }
        }

        /// <summary>Both hosts still serve the old version, have no container of the cancelled one, and the lock is free.</summary>
        public async Task AssertStagingUnchangedAsync(string sha)
        {
            foreach (var host in _staging.Hosts)
            {
                Assert.Contains(StagingHostsHelper.Sha('1')[..7], await StagingHostsHelper.VersionAsync(host));
                Assert.DoesNotContain("develop-" + sha[..7], await _staging.ContainersAsync(host));
            }
            Assert.StartsWith("free", await _staging.LockStateAsync());
        }

        public async Task AssertNotPushedAsync(string sha) =>
            Assert.DoesNotContain("develop-" + sha[..7], await _staging.RegistryTagsAsync());

        public static async Task<(string TaskDefinition, string? RolloutState)> ProductionAsync()
        {
            var service = (await SandboxAwsCli.RunAsync("ecs", "describe-services", "--cluster", "sandbox", "--services", "sample-app"))["services"]![0]!;
            var primary = service["deployments"]!.AsArray().Single(d => (string?)d!["status"] == "PRIMARY")!;
            return ((string)service["taskDefinition"]!, (string?)primary["rolloutState"]);
        }

        public static string RunId(string output) =>
            System.Text.RegularExpressions.Regex.Match(output, @"Pipeline run (\S+)").Groups[1].Value;

        public async ValueTask DisposeAsync()
        {
            foreach (var variant in _variants) variant.Dispose();
            _slow.Dispose();
            await _staging.DisposeAsync();
            Engine.Dispose();
        }
    }
}
