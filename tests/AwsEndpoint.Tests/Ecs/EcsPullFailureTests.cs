using System.Text.Json.Nodes;

namespace AwsEndpoint.Tests.Ecs;

/// <summary>A service updated to an image tag that is not in the registry: its tasks stop with ECS's
/// CannotPullContainerError and stay listed for diagnostics; launches back off (ECS's service throttle logic)
/// instead of a new task every pass; with the circuit breaker the deployment fails and rolls back.</summary>
public sealed class EcsPullFailureTests(EcsEndpoint endpoint)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;
    private const string MissingImage = "127.0.0.1:5000/sandbox/node:no-such-tag";

    [Fact]
    public async Task Tasks_that_cannot_pull_their_image_stop_with_CannotPullContainerError_and_launches_back_off()
    {
        var e = await endpoint.StartedAsync();
        var cluster = await e.NewClusterAsync("pull", Ct);
        var (good, _) = await e.SteadyWebServiceAsync(cluster, cluster + "-app", 1, "deploymentCircuitBreaker={enable=false,rollback=false}", Ct);
        var bad = await e.RegisterAsync(EcsEndpoint.Definition(cluster + "-app", image: MissingImage), Ct);
        var deployment = await e.UpdateWebAsync(cluster, bad, Ct);
        // 40 scheduler passes (0.5 s each): without a backoff that is a launch every pass or two.
        await Task.Delay(TimeSpan.FromSeconds(20), Ct);

        var started = await TasksStartedByAsync(e, cluster, deployment);
        Assert.InRange(started.Count, 2, 5);
        // The CLI prints timestamps as ISO 8601 text.
        var created = started.Select(t => DateTimeOffset.Parse(t["createdAt"]!.GetValue<string>(), System.Globalization.CultureInfo.InvariantCulture)).Order().ToList();
        var gaps = created.Zip(created.Skip(1), (a, b) => b - a).ToList();
        Assert.True(gaps.Zip(gaps.Skip(1)).All(g => g.Second > g.First), $"launch intervals should grow: {string.Join(", ", gaps.Select(g => $"{g.TotalSeconds:F1}s"))}");

        var failed = (await e.StoppedWebTasksAsync(cluster, Ct)).Where(t => t["taskDefinitionArn"]!.GetValue<string>() == bad).ToList();
        Assert.True(failed.Count >= started.Count - 1, $"{failed.Count} stopped tasks of {started.Count} started"); // the last may still be pulling
        Assert.All(failed, t =>
        {
            Assert.Equal("STOPPED", t["lastStatus"]!.GetValue<string>());
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
        await e.UpdateWebAsync(cluster, good, Ct);
        await e.WaitRolledBackAsync(cluster, deployment, _ => { }, Ct);
    }

    [Fact]
    public async Task With_the_circuit_breaker_a_deployment_of_a_missing_image_fails_and_rolls_back()
    {
        var e = await endpoint.StartedAsync();
        var cluster = await e.NewClusterAsync("pullcb", Ct);
        var (good, _) = await e.SteadyWebServiceAsync(cluster, cluster + "-app", 2, EcsServiceSteps.SandboxConfiguration, Ct);
        var bad = await e.RegisterAsync(EcsEndpoint.Definition(cluster + "-app", image: MissingImage), Ct);
        var badDeployment = await e.UpdateWebAsync(cluster, bad, Ct);
        JsonNode? failed = null;
        var final = await e.WaitRolledBackAsync(cluster, badDeployment, s => failed ??= s["deployments"]!.AsArray()
            .FirstOrDefault(d => d!["id"]!.GetValue<string>() == badDeployment && d["rolloutState"]!.GetValue<string>() == "FAILED")?.DeepClone(), Ct);

        Assert.NotNull(failed);
        Assert.Equal("ECS deployment circuit breaker: tasks failed to start.", failed["rolloutStateReason"]!.GetValue<string>());
        Assert.InRange(failed["failedTasks"]!.GetValue<int>(), 3, 4); // two launches a round: the threshold 3 may be overshot by one
        Assert.Equal(good, final["taskDefinition"]!.GetValue<string>());
        Assert.Equal(2, final["runningCount"]!.GetValue<int>());

        // What DeployProduction's diagnostics read: the stopped tasks of the failed revision, with their reasons.
        var ours = (await e.StoppedWebTasksAsync(cluster, Ct)).Where(t => t["taskDefinitionArn"]!.GetValue<string>() == bad).ToList();
        Assert.InRange(ours.Count, 3, 4);
        Assert.All(ours, t =>
        {
            Assert.Equal("TaskFailedToStart", t["stopCode"]!.GetValue<string>());
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
