using System.Text.Json.Nodes;

namespace AwsEndpoint.Tests.Ecs;

/// <summary>A service updated to an image tag that is not in the registry: its tasks stop with ECS's
/// CannotPullContainerError and stay listed for diagnostics; launches back off (ECS's service throttle logic)
/// instead of a new task every pass; with the circuit breaker the deployment fails and rolls back.</summary>
public sealed class EcsPullFailureTests(EcsEndpoint endpoint)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;
    private static readonly TimeSpan Limit = TimeSpan.FromSeconds(90);
    private const string MissingImage = "127.0.0.1:5000/sandbox/node:no-such-tag";

    [Fact]
    public async Task Tasks_that_cannot_pull_their_image_stop_with_CannotPullContainerError_and_launches_back_off()
    {
        var e = await endpoint.StartedAsync();
        var cluster = await e.NewClusterAsync("pull", Ct);
        var family = cluster + "-app";
        var good = await e.RegisterAsync(EcsEndpoint.Definition(family), Ct);
        await e.OkAsync("CreateService", new { cluster, serviceName = "web", taskDefinition = good, desiredCount = 1 }, Ct);
        await e.WaitAsync(cluster, "web", s => EcsEndpoint.Primary(s)["rolloutState"]!.GetValue<string>() == "COMPLETED", Limit, Ct);

        var bad = await e.RegisterAsync(EcsEndpoint.Definition(family, image: MissingImage), Ct);
        var deployment = EcsEndpoint.Primary((await e.OkAsync("UpdateService", new { cluster, service = "web", taskDefinition = bad }, Ct))["service"]!)["id"]!.GetValue<string>();
        // 40 scheduler passes (0.5 s each): without a backoff that is a launch every pass or two.
        await Task.Delay(TimeSpan.FromSeconds(20), Ct);

        var started = await TasksStartedByAsync(e, cluster, deployment);
        Assert.InRange(started.Count, 2, 5);
        // The CLI prints timestamps as ISO 8601 text.
        var created = started.Select(t => DateTimeOffset.Parse(t["createdAt"]!.GetValue<string>(), System.Globalization.CultureInfo.InvariantCulture)).Order().ToList();
        var gaps = created.Zip(created.Skip(1), (a, b) => b - a).ToList();
        Assert.True(gaps.Zip(gaps.Skip(1)).All(g => g.Second > g.First), $"launch intervals should grow: {string.Join(", ", gaps.Select(g => $"{g.TotalSeconds:F1}s"))}");

        var stopped = (await e.AwsOkAsync(Ct, "list-tasks", "--cluster", cluster, "--service-name", "web", "--desired-status", "STOPPED"))["taskArns"]!.AsArray().Select(t => t!.GetValue<string>()).ToList();
        var described = (await e.AwsOkAsync(Ct, ["describe-tasks", "--cluster", cluster, "--tasks", .. stopped]))["tasks"]!.AsArray();
        var failed = described.Where(t => t!["taskDefinitionArn"]!.GetValue<string>() == bad).ToList();
        Assert.True(failed.Count >= started.Count - 1, $"stopped tasks of {bad}: {described.ToJsonString()}"); // the last may still be pulling
        Assert.All(failed, t =>
        {
            Assert.Equal("STOPPED", t!["lastStatus"]!.GetValue<string>());
            Assert.Equal("TaskFailedToStart", t["stopCode"]!.GetValue<string>());
            Assert.StartsWith("CannotPullContainerError: ", t["stoppedReason"]!.GetValue<string>());
            Assert.Contains(MissingImage, t["stoppedReason"]!.GetValue<string>());
            Assert.StartsWith("CannotPullContainerError: ", t["containers"]![0]!["reason"]!.GetValue<string>());
        });

        var service = await e.ServiceAsync(cluster, "web", Ct);
        Assert.Contains(service["events"]!.AsArray(), x => x!["message"]!.GetValue<string>() == "(service web) is unable to consistently start tasks successfully.");
        Assert.Equal("IN_PROGRESS", EcsEndpoint.Primary(service)["rolloutState"]!.GetValue<string>()); // no circuit breaker: ECS retries forever
        Assert.Equal(1, service["runningCount"]!.GetValue<int>()); // the old task keeps serving

        // A new task definition ends the throttling at once (ECS does the same), so this rolls out as usual.
        await e.OkAsync("UpdateService", new { cluster, service = "web", taskDefinition = good }, Ct);
        await e.WaitAsync(cluster, "web", s => EcsEndpoint.Primary(s)["rolloutState"]!.GetValue<string>() == "COMPLETED" && s["deployments"]!.AsArray().Count == 1, Limit, Ct);
    }

    [Fact]
    public async Task With_the_circuit_breaker_a_deployment_of_a_missing_image_fails_and_rolls_back()
    {
        var e = await endpoint.StartedAsync();
        var cluster = await e.NewClusterAsync("pullcb", Ct);
        var family = cluster + "-app";
        var good = await e.RegisterAsync(EcsEndpoint.Definition(family), Ct);
        // The sandbox's own service settings (sandbox/lib/ecs.sh).
        await e.AwsOkAsync(Ct, "create-service", "--cluster", cluster, "--service-name", "web", "--task-definition", good, "--desired-count", "2",
            "--deployment-configuration", "deploymentCircuitBreaker={enable=true,rollback=true},minimumHealthyPercent=50,maximumPercent=200");
        await e.WaitAsync(cluster, "web", s => EcsEndpoint.Primary(s)["rolloutState"]!.GetValue<string>() == "COMPLETED", Limit, Ct);

        var bad = await e.RegisterAsync(EcsEndpoint.Definition(family, image: MissingImage), Ct);
        var badDeployment = EcsEndpoint.Primary((await e.AwsOkAsync(Ct, "update-service", "--cluster", cluster, "--service", "web", "--task-definition", bad))["service"]!)["id"]!.GetValue<string>();
        JsonNode? failed = null;
        var final = await e.WaitAsync(cluster, "web", s =>
        {
            failed ??= s["deployments"]!.AsArray().FirstOrDefault(d => d!["id"]!.GetValue<string>() == badDeployment && d["rolloutState"]!.GetValue<string>() == "FAILED")?.DeepClone();
            var primary = EcsEndpoint.Primary(s);
            return primary["id"]!.GetValue<string>() != badDeployment && primary["rolloutState"]!.GetValue<string>() == "COMPLETED" && s["deployments"]!.AsArray().Count == 1;
        }, Limit, Ct);

        Assert.NotNull(failed);
        Assert.Equal("ECS deployment circuit breaker: tasks failed to start.", failed["rolloutStateReason"]!.GetValue<string>());
        Assert.InRange(failed["failedTasks"]!.GetValue<int>(), 3, 4); // two launches a round: the threshold 3 may be overshot by one
        Assert.Equal(good, final["taskDefinition"]!.GetValue<string>());
        Assert.Equal(2, final["runningCount"]!.GetValue<int>());

        // What DeployProduction's diagnostics read: the stopped tasks of the failed revision, with their reasons.
        var stopped = (await e.AwsOkAsync(Ct, "list-tasks", "--cluster", cluster, "--service-name", "web", "--desired-status", "STOPPED"))["taskArns"]!.AsArray().Select(t => t!.GetValue<string>()).ToList();
        var ours = (await e.AwsOkAsync(Ct, ["describe-tasks", "--cluster", cluster, "--tasks", .. stopped]))["tasks"]!.AsArray()
            .Where(t => t!["taskDefinitionArn"]!.GetValue<string>() == bad).ToList();
        Assert.InRange(ours.Count, 3, 4);
        Assert.All(ours, t =>
        {
            Assert.Equal("TaskFailedToStart", t!["stopCode"]!.GetValue<string>());
            Assert.StartsWith("CannotPullContainerError: ", t["stoppedReason"]!.GetValue<string>());
        });
    }

    /// <summary>Every task the deployment launched, running or stopped, as `aws ecs describe-tasks` shows them.</summary>
    private static async Task<List<JsonNode>> TasksStartedByAsync(EcsEndpoint e, string cluster, string deployment)
    {
        var arns = new List<string>();
        foreach (var status in new[] { "RUNNING", "STOPPED" })
            arns.AddRange((await e.OkAsync("ListTasks", new { cluster, startedBy = deployment, desiredStatus = status }, Ct))["taskArns"]!.AsArray().Select(t => t!.GetValue<string>()));
        if (arns.Count == 0) return [];
        return (await e.AwsOkAsync(Ct, ["describe-tasks", "--cluster", cluster, "--tasks", .. arns]))["tasks"]!.AsArray().Select(t => t!).ToList();
    }
}
