using System.Text.Json.Nodes;

namespace AwsEndpoint.Tests.Ecs;

/// <summary>A revision whose container exits at once: with the circuit breaker (rollback on) the deployment goes
/// FAILED once failedTasks reaches AWS's threshold, and ECS rolls back to the last COMPLETED task definition.</summary>
public sealed class EcsCircuitBreakerTests(EcsEndpoint endpoint)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;
    // A shell, not node: under load node can take longer than the health grace to even start, and a task that
    // has run that long counts as healthy (no healthCheck), which is what ECS does too.
    private static readonly string[] Crash = ["sh", "-c", "echo boom >&2; exit 3"];

    [Fact]
    public async Task A_crashing_revision_fails_by_the_threshold_and_rolls_back_to_the_previous_definition()
    {
        var e = await endpoint.StartedAsync();
        var cluster = await e.NewClusterAsync("cb", Ct);
        var family = cluster + "-app";
        var (good, goodDeployment) = await e.SteadyWebServiceAsync(cluster, family, 2, EcsServiceSteps.SandboxConfiguration, Ct);
        var bad = await e.RegisterAsync(EcsEndpoint.Definition(family, Crash), Ct);
        var badDeployment = await e.UpdateWebAsync(cluster, bad, Ct);

        // Watch every answer: the failed deployment is visible (ACTIVE, FAILED) only until the rollback completes.
        JsonNode? failed = null, rollback = null;
        var final = await e.WaitRolledBackAsync(cluster, badDeployment, s =>
        {
            foreach (var d in s["deployments"]!.AsArray())
            {
                if (d!["id"]!.GetValue<string>() == badDeployment && d["rolloutState"]!.GetValue<string>() == "FAILED") failed ??= d.DeepClone();
                if (d["status"]!.GetValue<string>() == "PRIMARY" && d["id"]!.GetValue<string>() != badDeployment && rollback is null) rollback = d.DeepClone();
            }
        }, Ct);

        Assert.NotNull(failed);
        Assert.Equal("ECS deployment circuit breaker: tasks failed to start.", failed["rolloutStateReason"]!.GetValue<string>());
        // desiredCount 2: threshold = min(max(ceil(0.5 × 2), 3), 200) = 3; tasks failing in the same pass may overshoot by one.
        Assert.InRange(failed["failedTasks"]!.GetValue<int>(), 3, 4);
        Assert.Equal("ACTIVE", failed["status"]!.GetValue<string>());
        Assert.NotNull(rollback);
        Assert.Equal(good, rollback["taskDefinition"]!.GetValue<string>());
        Assert.Equal($"ECS deployment circuit breaker: rolling back to deploymentId {goodDeployment}.", rollback["rolloutStateReason"]!.GetValue<string>());

        var primary = EcsEndpoint.Primary(final);
        Assert.Equal(good, primary["taskDefinition"]!.GetValue<string>());
        Assert.Equal(good, final["taskDefinition"]!.GetValue<string>());
        Assert.Equal(2, final["runningCount"]!.GetValue<int>());
        var events = final["events"]!.AsArray().Select(x => x!["message"]!.GetValue<string>()).ToList();
        Assert.Contains($"(service web) (deployment {badDeployment}) deployment failed: tasks failed to start.", events);
        Assert.Contains($"(service web) rolling back to deployment {goodDeployment}.", events);
        Assert.Equal("(service web) has reached a steady state.", events[0]);

        // The crashed tasks stay describable with their exit codes and AWS's reasons.
        var stopped = await e.StoppedWebTasksAsync(cluster, Ct);
        var crashed = stopped.Where(t => t["stopCode"]?.GetValue<string>() == "EssentialContainerExited").ToList();
        Assert.True(crashed.Count >= 3, $"expected at least 3 crashed tasks, got {string.Join(", ", stopped.Select(t => t.ToJsonString()))}");
        Assert.All(crashed, t =>
        {
            Assert.Equal(bad, t["taskDefinitionArn"]!.GetValue<string>());
            Assert.Equal("Essential container in task exited", t["stoppedReason"]!.GetValue<string>());
            Assert.Equal("STOPPED", t["lastStatus"]!.GetValue<string>());
            Assert.Equal(3, t["containers"]![0]!["exitCode"]!.GetValue<int>());
            Assert.Equal("STOPPED", t["containers"]![0]!["lastStatus"]!.GetValue<string>());
        });
    }

    [Fact]
    public async Task Without_the_circuit_breaker_a_crashing_deployment_keeps_retrying_and_stays_in_progress()
    {
        var e = await endpoint.StartedAsync();
        var cluster = await e.NewClusterAsync("nocb", Ct);
        var bad = await e.RegisterAsync(EcsEndpoint.Definition(cluster + "-app", Crash), Ct);
        await e.AwsOkAsync(Ct, "create-service", "--cluster", cluster, "--service-name", "web", "--task-definition", bad, "--desired-count", "1");
        var service = await e.WaitAsync(cluster, "web", s => EcsEndpoint.Primary(s)["failedTasks"]!.GetValue<int>() >= 5, TimeSpan.FromSeconds(90), Ct);
        Assert.Equal("IN_PROGRESS", EcsEndpoint.Primary(service)["rolloutState"]!.GetValue<string>());
        Assert.False(service["deploymentConfiguration"]!["deploymentCircuitBreaker"]!["enable"]!.GetValue<bool>());
    }
}
