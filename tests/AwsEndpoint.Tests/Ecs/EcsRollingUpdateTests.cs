using System.Text.Json.Nodes;

namespace AwsEndpoint.Tests.Ecs;

/// <summary>A service rolled to a new, healthy task definition with `aws ecs update-service`: tasks really run on the
/// engine, the new deployment goes IN_PROGRESS → COMPLETED, the old tasks are stopped by the scheduler.</summary>
public sealed class EcsRollingUpdateTests(EcsEndpoint endpoint)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;
    private static readonly TimeSpan Limit = TimeSpan.FromSeconds(90);

    [Fact]
    public async Task Update_to_a_healthy_revision_completes_and_stops_the_old_tasks()
    {
        var e = await endpoint.StartedAsync();
        var cluster = await e.NewClusterAsync("roll", Ct);
        var family = cluster + "-app";
        var first = await e.RegisterAsync(EcsEndpoint.Definition(family), Ct);
        var created = (await e.AwsOkAsync(Ct, "create-service", "--cluster", cluster, "--service-name", "web", "--task-definition", family,
            "--desired-count", "2", "--deployment-configuration",
            "deploymentCircuitBreaker={enable=true,rollback=true},minimumHealthyPercent=50,maximumPercent=200"))["service"]!;
        Assert.Equal("IN_PROGRESS", EcsEndpoint.Primary(created)["rolloutState"]!.GetValue<string>());
        Assert.Equal(first, created["taskDefinition"]!.GetValue<string>());
        await e.WaitAsync(cluster, "web", s => EcsEndpoint.Primary(s)["rolloutState"]!.GetValue<string>() == "COMPLETED", Limit, Ct);
        var oldTasks = (await e.OkAsync("ListTasks", new { cluster, serviceName = "web" }, Ct))["taskArns"]!.AsArray().Select(t => t!.GetValue<string>()).ToList();
        Assert.Equal(2, oldTasks.Count);

        // The new revision has a container healthCheck: its tasks count only once Docker calls them healthy.
        var second = await e.RegisterAsync(EcsEndpoint.Definition(family, healthCheck: new JsonObject
        {
            ["command"] = new JsonArray("CMD-SHELL", "node -e \"require('http').get('http://127.0.0.1:3000/healthcheck',r=>process.exit(r.statusCode==200?0:1)).on('error',()=>process.exit(1))\""),
            ["interval"] = 5, ["timeout"] = 3, ["retries"] = 2,
        }), Ct);
        var updated = (await e.AwsOkAsync(Ct, "update-service", "--cluster", cluster, "--service", "web", "--task-definition", second))["service"]!;
        var deployments = updated["deployments"]!.AsArray();
        Assert.Equal(2, deployments.Count);
        Assert.Equal(["PRIMARY", "ACTIVE"], deployments.Select(d => d!["status"]!.GetValue<string>()));
        Assert.Equal(second, deployments[0]!["taskDefinition"]!.GetValue<string>());
        Assert.Equal("IN_PROGRESS", deployments[0]!["rolloutState"]!.GetValue<string>());
        Assert.Equal("COMPLETED", deployments[1]!["rolloutState"]!.GetValue<string>());
        var deploymentId = deployments[0]!["id"]!.GetValue<string>();
        Assert.Matches("^ecs-svc/[0-9]{19}$", deploymentId);

        await e.WaitAsync(cluster, "web", s => s["deployments"]!.AsArray().Count == 1 && EcsEndpoint.Primary(s)["rolloutState"]!.GetValue<string>() == "COMPLETED", Limit, Ct);
        var service = (await e.AwsOkAsync(Ct, "describe-services", "--cluster", cluster, "--services", "web"))["services"]![0]!;
        var primary = EcsEndpoint.Primary(service);
        Assert.Equal(deploymentId, primary["id"]!.GetValue<string>());
        Assert.Equal(second, primary["taskDefinition"]!.GetValue<string>());
        Assert.Equal($"ECS deployment {deploymentId} completed.", primary["rolloutStateReason"]!.GetValue<string>());
        Assert.Equal(2, service["runningCount"]!.GetValue<int>());
        Assert.Equal(2, primary["runningCount"]!.GetValue<int>());
        Assert.Equal(0, primary["failedTasks"]!.GetValue<int>());
        var events = service["events"]!.AsArray().Select(x => x!["message"]!.GetValue<string>()).ToList();
        Assert.Equal("(service web) has reached a steady state.", events[0]);
        Assert.Equal($"(service web) (deployment {deploymentId}) deployment completed.", events[1]);
        var times = service["events"]!.AsArray().Select(x => DateTimeOffset.Parse(x!["createdAt"]!.GetValue<string>(), System.Globalization.CultureInfo.InvariantCulture)).ToList();
        Assert.Equal(times.OrderByDescending(t => t), times); // newest first, like AWS

        var stopped = (await e.AwsOkAsync(Ct, ["describe-tasks", "--cluster", cluster, "--tasks", .. oldTasks]))["tasks"]!.AsArray();
        Assert.All(stopped, t =>
        {
            Assert.Equal("STOPPED", t!["lastStatus"]!.GetValue<string>());
            Assert.Equal("STOPPED", t["desiredStatus"]!.GetValue<string>());
            Assert.Equal("ServiceSchedulerInitiated", t["stopCode"]!.GetValue<string>());
            Assert.Equal($"Scaling activity initiated by (deployment {deploymentId})", t["stoppedReason"]!.GetValue<string>());
            Assert.Equal(first, t["taskDefinitionArn"]!.GetValue<string>());
            Assert.NotNull(t["stoppedAt"]);
        });

        var running = (await e.AwsOkAsync(Ct, "list-tasks", "--cluster", cluster, "--service-name", "web", "--desired-status", "RUNNING"))["taskArns"]!.AsArray().Select(t => t!.GetValue<string>()).ToList();
        var tasks = (await e.AwsOkAsync(Ct, ["describe-tasks", "--cluster", cluster, "--tasks", .. running]))["tasks"]!.AsArray();
        Assert.Equal(2, tasks.Count);
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(10) };
        foreach (var t in tasks)
        {
            Assert.Equal("RUNNING", t!["lastStatus"]!.GetValue<string>());
            Assert.Equal("HEALTHY", t["healthStatus"]!.GetValue<string>());
            Assert.Equal("service:web", t["group"]!.GetValue<string>());
            Assert.Equal(second, t["taskDefinitionArn"]!.GetValue<string>());
            var container = t["containers"]![0]!;
            Assert.Equal("HEALTHY", container["healthStatus"]!.GetValue<string>());
            var binding = container["networkBindings"]![0]!;
            Assert.Equal("127.0.0.1", binding["bindIP"]!.GetValue<string>());
            Assert.Equal(3000, binding["containerPort"]!.GetValue<int>());
            // The task really serves: its published loopback port answers with the revision's environment.
            Assert.Equal("ok " + family, await http.GetStringAsync($"http://127.0.0.1:{binding["hostPort"]!.GetValue<int>()}/", Ct));
        }

        // The engine agrees: exactly the two new tasks run, labelled for the sandbox, the cluster, the service, the task.
        var containers = await EcsEndpoint.ContainersAsync($"pipeline.ecs.cluster={cluster}", Ct);
        var ids = tasks.Select(t => t!["taskArn"]!.GetValue<string>().Split('/')[^1]).Order().ToList();
        Assert.Equal(ids, containers.Select(c => c["Labels"]!["pipeline.ecs.task"]!.GetValue<string>()).Order());
        Assert.All(containers, c =>
        {
            Assert.Equal("running", c["State"]!.GetValue<string>());
            Assert.Equal("true", c["Labels"]!["pipeline.sandbox"]!.GetValue<string>());
            Assert.Equal("web", c["Labels"]!["pipeline.ecs.service"]!.GetValue<string>());
            Assert.All(c["Ports"]!.AsArray(), p => Assert.Equal("127.0.0.1", p!["IP"]!.GetValue<string>()));
        });
    }
}
