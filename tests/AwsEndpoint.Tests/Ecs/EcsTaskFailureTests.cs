using System.Text.Json.Nodes;

namespace AwsEndpoint.Tests.Ecs;

/// <summary>Tasks that never start (image not in the registry) and tasks that turn unhealthy both count against the
/// circuit breaker; with rollback off (or nothing to roll back to) the deployment is FAILED and launches stop.</summary>
public sealed class EcsTaskFailureTests(EcsEndpoint endpoint)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task An_image_missing_from_the_registry_fails_to_start_and_the_breaker_stops_the_deployment()
    {
        var e = await endpoint.StartedAsync();
        var cluster = await e.NewClusterAsync("pull", Ct);
        var missing = await e.RegisterAsync(EcsEndpoint.Definition(cluster + "-app", image: "127.0.0.1:5000/sandbox-tests/no-such-image:nope"), Ct);
        await e.AwsOkAsync(Ct, "create-service", "--cluster", cluster, "--service-name", "web", "--task-definition", missing, "--desired-count", "1",
            "--deployment-configuration", "deploymentCircuitBreaker={enable=true,rollback=false}");
        var service = await e.WaitAsync(cluster, "web", s => EcsEndpoint.Primary(s)["rolloutState"]!.GetValue<string>() == "FAILED", TimeSpan.FromSeconds(60), Ct);
        Assert.Equal(3, EcsEndpoint.Primary(service)["failedTasks"]!.GetValue<int>()); // one task at a time: exactly the threshold
        Assert.Equal(0, service["runningCount"]!.GetValue<int>());

        await e.PassesWhereALaunchIsAllowedAsync(cluster, "web", passes: 3, Ct);
        var all = (await e.OkAsync("ListTasks", new { cluster, desiredStatus = "STOPPED" }, Ct))["taskArns"]!.AsArray().Select(t => t!.GetValue<string>()).ToList();
        Assert.Equal(3, all.Count); // a FAILED deployment with nothing to roll back to launches nothing more
        Assert.Empty((await e.OkAsync("ListTasks", new { cluster }, Ct))["taskArns"]!.AsArray());
        var tasks = (await e.AwsOkAsync(Ct, ["describe-tasks", "--cluster", cluster, "--tasks", .. all]))["tasks"]!.AsArray();
        Assert.All(tasks, t =>
        {
            Assert.Equal("TaskFailedToStart", t!["stopCode"]!.GetValue<string>());
            Assert.StartsWith("CannotPullContainerError: ", t["stoppedReason"]!.GetValue<string>());
            Assert.StartsWith("CannotPullContainerError: ", t["containers"]![0]!["reason"]!.GetValue<string>());
            Assert.Null(t["containers"]![0]!["exitCode"]);
        });
    }

    [Fact]
    public async Task A_task_that_fails_its_health_check_is_stopped_and_counted_as_failed()
    {
        var e = await endpoint.StartedAsync();
        var cluster = await e.NewClusterAsync("sick", Ct);
        var sick = await e.RegisterAsync(EcsEndpoint.Definition(cluster + "-app", healthCheck: new JsonObject
        {
            ["command"] = new JsonArray("CMD-SHELL", "exit 1"), ["interval"] = 5, ["timeout"] = 2, ["retries"] = 1,
        }), Ct);
        await e.AwsOkAsync(Ct, "create-service", "--cluster", cluster, "--service-name", "web", "--task-definition", sick, "--desired-count", "1",
            "--deployment-configuration", "deploymentCircuitBreaker={enable=true,rollback=true}");
        var service = await e.WaitAsync(cluster, "web", s => EcsEndpoint.Primary(s)["failedTasks"]!.GetValue<int>() >= 1, TimeSpan.FromSeconds(60), Ct);
        Assert.Contains(service["events"]!.AsArray(), x => x!["message"]!.GetValue<string>().EndsWith(") failed container health checks.", StringComparison.Ordinal));
        var stopped = await e.WaitStoppedAsync(cluster, 1, Ct);
        var task = (await e.AwsOkAsync(Ct, "describe-tasks", "--cluster", cluster, "--tasks", stopped[0]))["tasks"]![0]!;
        Assert.Equal("Task failed container health checks", task["stoppedReason"]!.GetValue<string>());
        Assert.Equal("ServiceSchedulerInitiated", task["stopCode"]!.GetValue<string>());
        Assert.Equal("UNHEALTHY", task["healthStatus"]!.GetValue<string>());
        Assert.Equal("UNHEALTHY", task["containers"]![0]!["healthStatus"]!.GetValue<string>());
    }
}
