using System.Text.Json.Nodes;
using AwsEndpoint.Tests.Fixtures;

namespace AwsEndpoint.Tests.Ecs;

/// <summary>The ECS service sandbox/up.sh made, seen the way a person (or DeployProduction) would: sandbox.json's
/// ecs object, and `aws ecs` with the sandbox profile against the running endpoint.</summary>
public sealed class SandboxEcsTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static JsonNode SandboxJson()
    {
        if (!File.Exists(SandboxPaths.SandboxJson))
            throw new InvalidOperationException($"{SandboxPaths.SandboxJson} is missing: run sandbox/up.sh");
        return JsonNode.Parse(File.ReadAllText(SandboxPaths.SandboxJson))!;
    }

    [Fact]
    public async Task The_sandbox_service_runs_its_desired_tasks_healthy_behind_a_completed_deployment()
    {
        var json = SandboxJson();
        var ecs = json["ecs"] ?? throw new InvalidOperationException("sandbox.json has no \"ecs\" object: run sandbox/up.sh");
        Assert.Equal("sandbox", ecs["cluster"]!.GetValue<string>());
        Assert.Equal("sample-app", ecs["service"]!.GetValue<string>());
        Assert.Equal("app", ecs["containerName"]!.GetValue<string>());
        var aws = json["aws"]!;
        var env = new Dictionary<string, string>
        {
            ["AWS_SHARED_CREDENTIALS_FILE"] = aws["credentialsFile"]!.GetValue<string>(), ["AWS_CONFIG_FILE"] = aws["configFile"]!.GetValue<string>(),
        };
        var endpoint = new Uri(aws["endpoint"]!.GetValue<string>());

        // The sandbox endpoint is shared: another up.sh (another worktree's build) or down.sh restarts it, which drops its
        // in-memory ECS state until up.sh creates the service again. So the whole check is retried for a while, and
        // fails with the last reason if the service is never steady.
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(150);
        string? failure;
        do
        {
            failure = await CheckAsync(endpoint, env);
            if (failure is null) return;
            await Task.Delay(2000, Ct);
        } while (DateTime.UtcNow < deadline);
        Assert.Fail($"the sandbox's ECS service sample-app was not steady and healthy within 150 s (sandbox/up.sh): {failure}");
    }

    [Fact]
    public async Task Every_app_with_an_ecs_service_has_its_own_family_log_group_and_port()
    {
        var json = SandboxJson();
        var apps = json["apps"]?.AsObject() ?? throw new InvalidOperationException("sandbox.json has no \"apps\" object: run sandbox/up.sh");
        var aws = json["aws"]!;
        var env = new Dictionary<string, string>
        {
            ["AWS_SHARED_CREDENTIALS_FILE"] = aws["credentialsFile"]!.GetValue<string>(), ["AWS_CONFIG_FILE"] = aws["configFile"]!.GetValue<string>(),
        };
        var endpoint = new Uri(aws["endpoint"]!.GetValue<string>());
        // An app provisioned for staging only (or into another app's service) has no service of its own: one listing
        // says which do, and the sample app, which test.sh provisions, must be one of them.
        var listed = await AwsCli.RunAsync(endpoint, null, ["--profile", "sandbox", "ecs", "list-services", "--cluster", "sandbox", "--max-items", "1000"], Ct, env);
        Assert.True(listed.ExitCode == 0, listed.Stderr);
        var services = JsonNode.Parse(listed.Stdout)!["serviceArns"]!.AsArray().Select(a => a!.GetValue<string>().Split('/')[^1]).ToHashSet();
        Assert.Contains("sample-app", services);
        var own = apps.Where(a => a.Value!["ecs"] is JsonObject ecs && ecs["service"]!.GetValue<string>() == a.Key && services.Contains(a.Key)).ToList();
        Assert.Contains(own, a => a.Key == "sample-app");
        foreach (var (name, app) in own)
        {
            var ecs = app!["ecs"]!;
            var r = await AwsCli.RunAsync(endpoint, null, ["--profile", "sandbox", "ecs", "describe-services", "--cluster", ecs["cluster"]!.GetValue<string>(),
                "--services", ecs["service"]!.GetValue<string>()], Ct, env);
            Assert.True(r.ExitCode == 0, r.Stderr);
            var service = JsonNode.Parse(r.Stdout)!["services"]!.AsArray().Single()!;
            Assert.Equal("ACTIVE", service["status"]!.GetValue<string>());
            var definition = JsonNode.Parse((await AwsCli.RunAsync(endpoint, null, ["--profile", "sandbox", "ecs", "describe-task-definition", "--task-definition",
                service["taskDefinition"]!.GetValue<string>()], Ct, env)).Stdout)!["taskDefinition"]!;
            Assert.Equal(ecs["family"]!.GetValue<string>(), definition["family"]!.GetValue<string>());
            var container = definition["containerDefinitions"]!.AsArray().Single(c => c!["name"]!.GetValue<string>() == ecs["container"]!.GetValue<string>())!;
            Assert.Equal($"/ecs/{name}", container["logConfiguration"]!["options"]!["awslogs-group"]!.GetValue<string>());
            Assert.Contains(container["environment"]!.AsArray(), e => e!["name"]!.GetValue<string>() == "PORT"
                && e["value"]!.GetValue<string>() == container["portMappings"]![0]!["containerPort"]!.GetValue<int>().ToString());
        }
    }

    /// <summary>One look at the service; null when everything holds, else what did not.</summary>
    private static async Task<string?> CheckAsync(Uri endpoint, Dictionary<string, string> env)
    {
        async Task<JsonNode?> Aws(params string[] args)
        {
            var r = await AwsCli.RunAsync(endpoint, null, ["--profile", "sandbox", "ecs", .. args], Ct, env);
            return r.ExitCode == 0 ? JsonNode.Parse(r.Stdout) : throw new InvalidOperationException($"aws ecs {args[0]} exited {r.ExitCode}: {r.Stderr.Trim()}");
        }
        try
        {
            var service = (await Aws("describe-services", "--cluster", "sandbox", "--services", "sample-app"))!["services"]!.AsArray().FirstOrDefault();
            if (service is null) return "no service sample-app in cluster sandbox";
            if (service["deployments"]!.AsArray().Count != 1 || EcsEndpoint.Primary(service)["rolloutState"]!.GetValue<string>() != "COMPLETED" || service["runningCount"]!.GetValue<int>() != 2)
                return $"not steady: {service["deployments"]!.ToJsonString()}";
            var config = service["deploymentConfiguration"]!;
            Assert.True(config["deploymentCircuitBreaker"]!["enable"]!.GetValue<bool>());
            Assert.True(config["deploymentCircuitBreaker"]!["rollback"]!.GetValue<bool>());
            Assert.Equal(50, config["minimumHealthyPercent"]!.GetValue<int>());
            Assert.Equal(200, config["maximumPercent"]!.GetValue<int>());
            Assert.Equal(2, service["desiredCount"]!.GetValue<int>());

            var definition = (await Aws("describe-task-definition", "--task-definition", service["taskDefinition"]!.GetValue<string>()))!["taskDefinition"]!;
            var app = definition["containerDefinitions"]!.AsArray().Single(c => c!["name"]!.GetValue<string>() == "app")!;
            Assert.Equal(3000, app["portMappings"]![0]!["containerPort"]!.GetValue<int>());
            Assert.NotNull(app["healthCheck"]);
            Assert.Equal("awslogs", app["logConfiguration"]!["logDriver"]!.GetValue<string>());
            Assert.Contains(app["environment"]!.AsArray(), e => e!["name"]!.GetValue<string>() == "MYSQL_HOST" && e["value"]!.GetValue<string>() == "mysql");

            var tasks = (await Aws("list-tasks", "--cluster", "sandbox", "--service-name", "sample-app"))!["taskArns"]!.AsArray().Select(t => t!.GetValue<string>()).ToList();
            if (tasks.Count == 0) return "no running tasks";
            var described = (await Aws(["describe-tasks", "--cluster", "sandbox", "--tasks", .. tasks]))!["tasks"]!.AsArray();
            var healthy = described.Where(t => t!["lastStatus"]!.GetValue<string>() == "RUNNING" && t["healthStatus"]!.GetValue<string>() == "HEALTHY").ToList();
            if (healthy.Count < 2) return $"fewer than 2 healthy tasks: {described.ToJsonString()}";
            using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(10) };
            var port = healthy[0]!["containers"]![0]!["networkBindings"]![0]!["hostPort"]!.GetValue<int>();
            var health = JsonNode.Parse(await http.GetStringAsync($"http://127.0.0.1:{port}/healthcheck", Ct))!;
            Assert.Equal("ok", health["status"]!.GetValue<string>());
            return null;
        }
        catch (Exception e) when (e is InvalidOperationException or HttpRequestException or TaskCanceledException && !Ct.IsCancellationRequested)
        {
            return e.Message;
        }
    }
}
