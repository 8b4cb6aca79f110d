using System.Text.Json.Nodes;
using Pipeline.Docker;

namespace Pipeline.Tests.EndToEnd;

/// <summary>./build.sh DeployProduction against the sandbox's ECS service, with `aws ecs` as the independent witness.</summary>
[Collection(BuildScriptCollection.Name)]
public sealed class DeployProductionTests : IAsyncLifetime
{
    private readonly BuiltImages _images = new("e2e-prod-");
    private readonly SandboxProductionService _service = new();

    public ValueTask InitializeAsync() => new(_service.RememberAsync());

    public async ValueTask DisposeAsync()
    {
        await _service.RestoreAsync();
        await _images.DisposeAsync();
    }

    private string Repository => _images.Repository;

    private DockerEngine Engine => _images.Engine;

    private Dictionary<string, string> Environment(string sha, AppVariant? variant = null, int timeoutSeconds = 300)
    {
        // The sandbox's ECS service of the sample app, which SandboxProductionService puts back afterwards.
        var environment = new Dictionary<string, string>(StagingHostsHelper.AppIdentity())
        {
            ["AWS_ECR_REPO"] = Repository,
            ["PIPELINE_SHA"] = sha,
            ["PIPELINE_BRANCH"] = "main",
            ["DEPLOY_TIMEOUT"] = timeoutSeconds.ToString(),
        };
        if (variant is not null) environment["DOCKER_CONTEXT"] = variant.Directory;
        return environment;
    }

    private static Task<(int ExitCode, string Output)> DeployAsync(Dictionary<string, string> environment) =>
        BuildScript.RunAsync(["DeployProduction", "--skip", "StartDeps,Test"], environment, TimeSpan.FromMinutes(15));

    [Fact]
    public async Task A_good_image_deploys_and_aws_agrees_with_the_report()
    {
        // A revision of the family newer than the service's and older than the deploy's, so keeping 1 has one to
        // deregister whatever the sandbox holds; it is never used by a service.
        var spare = (string)(await Aws("ecs", "register-task-definition", "--family", "sample-app", "--container-definitions",
            """[{"name":"spare","image":"127.0.0.1:5000/sandbox/node:24","memory":64,"essential":true}]"""))["taskDefinition"]!["taskDefinitionArn"]!;
        var replaced = await CurrentTaskDefinitionAsync();
        var activeBefore = await ActiveRevisionsAsync();
        Assert.Contains(spare, activeBefore);

        var environment = Environment("a00d000000000000000000000000000000000001");
        environment["KEEP_REVISIONS"] = "1";
        var (exitCode, output) = await DeployAsync(environment);
        Assert.True(exitCode == 0, output);
        var line = output.Split('\n').Single(l => l.Contains("production: sample-app on sandbox runs"));
        var revision = line.Split(" runs ")[1].Split(' ')[0]; // sample-app:N

        var service = (await Aws("ecs", "describe-services", "--cluster", "sandbox", "--services", "sample-app"))["services"]![0]!;
        Assert.EndsWith("task-definition/" + revision, (string)service["taskDefinition"]!);
        var primary = service["deployments"]!.AsArray().Single(d => (string?)d!["status"] == "PRIMARY")!;
        Assert.Equal("COMPLETED", (string?)primary["rolloutState"]);
        var definition = (await Aws("ecs", "describe-task-definition", "--task-definition", revision))["taskDefinition"]!;
        Assert.Equal($"127.0.0.1:5000/{Repository}:master-a00d000", (string?)definition["containerDefinitions"]![0]!["image"]);

        // The prune, as the endpoint has it: every revision but the new one and the one it replaced is deregistered,
        // the spare among them, and the output names exactly those.
        var deployed = (string)service["taskDefinition"]!;
        var activeAfter = await ActiveRevisionsAsync();
        Assert.Equal(new[] { deployed, replaced }.Order(StringComparer.Ordinal), activeAfter.Order(StringComparer.Ordinal));
        var doomed = activeBefore.Where(arn => arn != replaced).ToList();
        Assert.Contains(spare, doomed);
        foreach (var arn in doomed)
            Assert.Equal("INACTIVE", (string?)(await Aws("ecs", "describe-task-definition", "--task-definition", arn))["taskDefinition"]!["status"]);
        var reported = output.Split('\n').Select(l => System.Text.RegularExpressions.Regex.Match(l, @"deregistered (sample-app:\d+) \(beyond the newest 1\)"))
            .Where(m => m.Success).Select(m => m.Groups[1].Value).Order(StringComparer.Ordinal);
        Assert.Equal(doomed.Select(arn => arn.Split('/')[^1]).Order(StringComparer.Ordinal), reported);

        // latest, as the registry has it: the very manifest the deployed tag names, which is the digest reported.
        var reportedLatest = System.Text.RegularExpressions.Regex.Match(output, $@"latest: 127\.0\.0\.1:5000/{Repository}:latest @ (sha256:[0-9a-f]{{64}})");
        Assert.True(reportedLatest.Success, output);
        var latestDigest = await RegistryDigestAsync("latest");
        Assert.Equal(await RegistryDigestAsync("master-a00d000"), latestDigest);
        Assert.Equal(reportedLatest.Groups[1].Value, latestDigest);
    }

    [Fact]
    public async Task An_image_that_crashes_fails_fast_and_the_service_is_confirmed_back_on_the_previous_revision()
    {
        var before = await CurrentTaskDefinitionAsync();
        using var crashing = AppVariant.Crashing();
        var (exitCode, output) = await DeployAsync(Environment("c0a5400000000000000000000000000000000002", crashing));

        Assert.NotEqual(0, exitCode);
        Assert.Contains("FAILED after", output);               // the rollout's verdict, not the wait budget running out
        Assert.DoesNotContain("after the 300 s budget", output);
        Assert.Contains("rollback confirmed: the service is back on", output);
        Assert.Contains("exit code 3", output);               // diagnostics: the container's own exit code
        Assert.Contains("Essential container in task exited", output);
        Assert.Equal(before, await CurrentTaskDefinitionAsync());
    }

    [Fact]
    public async Task A_slow_start_within_the_budget_succeeds_and_one_beyond_it_is_rolled_back()
    {
        using var slow = AppVariant.SlowStarting(seconds: 8);
        var (exitCode, output) = await DeployAsync(Environment("5105a00000000000000000000000000000000003", slow, timeoutSeconds: 240));
        Assert.True(exitCode == 0, output);

        var before = await CurrentTaskDefinitionAsync();
        using var slower = AppVariant.SlowStarting(seconds: 120);
        var (lateExit, late) = await DeployAsync(Environment("5105b00000000000000000000000000000000004", slower, timeoutSeconds: 20));
        Assert.NotEqual(0, lateExit);
        Assert.True(late.Contains("after the 20 s budget"), late);
        Assert.Contains("Rolling back to", late);
        Assert.Contains("rollback confirmed", late);
        Assert.Equal(before, await CurrentTaskDefinitionAsync());
    }

    [Fact]
    public async Task A_missing_cluster_or_service_fails_before_anything_is_registered()
    {
        var revisions = await RevisionCountAsync();
        var environment = Environment("0d55000000000000000000000000000000000005");
        environment["ECS_CLUSTER"] = "no-such-cluster";
        var (exitCode, output) = await DeployAsync(environment);
        Assert.NotEqual(0, exitCode);
        Assert.Contains("ECS cluster no-such-cluster does not exist", output);

        environment["ECS_CLUSTER"] = "sandbox";
        environment["ECS_SERVICE"] = "no-such-service";
        (exitCode, output) = await DeployAsync(environment);
        Assert.NotEqual(0, exitCode);
        Assert.Contains("ECS service no-such-service does not exist in cluster sandbox", output);
        Assert.Equal(revisions, await RevisionCountAsync());
    }

    private static async Task<string> CurrentTaskDefinitionAsync() =>
        (string)(await Aws("ecs", "describe-services", "--cluster", "sandbox", "--services", "sample-app"))["services"]![0]!["taskDefinition"]!;

    private static async Task<int> RevisionCountAsync() =>
        (await Aws("ecs", "list-task-definitions", "--family-prefix", "sample-app"))["taskDefinitionArns"]!.AsArray().Count;

    private static async Task<List<string>> ActiveRevisionsAsync() =>
        (await Aws("ecs", "list-task-definitions", "--family-prefix", "sample-app", "--status", "ACTIVE"))["taskDefinitionArns"]!.AsArray()
            .Select(arn => (string)arn!).ToList();

    /// <summary>The digest the sandbox registry serves for the tag (distribution API, with the sandbox's login).</summary>
    private async Task<string> RegistryDigestAsync(string tag)
    {
        var facts = Pipeline.Tests.Docker.SandboxFacts.Read() ?? throw new InvalidOperationException("sandbox.json is missing: run sandbox/up.sh");
        var login = facts.Credentials;
        using var http = new HttpClient { BaseAddress = new Uri("http://" + facts.Registry), Timeout = TimeSpan.FromSeconds(30) };
        http.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Basic",
            Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes($"{login.Username}:{login.Password.Reveal()}")));
        using var request = new HttpRequestMessage(HttpMethod.Head, $"/v2/{Repository}/manifests/{tag}");
        foreach (var type in new[] { "application/vnd.oci.image.index.v1+json", "application/vnd.oci.image.manifest.v1+json",
                     "application/vnd.docker.distribution.manifest.list.v2+json", "application/vnd.docker.distribution.manifest.v2+json" })
            request.Headers.Accept.Add(new System.Net.Http.Headers.MediaTypeWithQualityHeaderValue(type));
        using var response = await http.SendAsync(request, TestContext.Current.CancellationToken);
        Assert.True(response.IsSuccessStatusCode, $"HEAD {Repository}:{tag} on {facts.Registry}: HTTP {(int)response.StatusCode}");
        return response.Headers.GetValues("Docker-Content-Digest").Single();
    }

    private static Task<JsonNode> Aws(params string[] arguments) => SandboxAwsCli.RunAsync(arguments);
}
