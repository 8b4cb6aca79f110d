using System.Text.Json.Nodes;

namespace AwsEndpoint.Tests.Ecs;

/// <summary>Steps the deployment-failure tests share, through `aws ecs` where the test asserts on them: a service
/// "web" steady on a good revision, an update to another revision, the wait for the circuit breaker's rollback, and
/// the stopped tasks as DeployProduction's diagnostics read them (ListTasks STOPPED, then DescribeTasks).</summary>
public static class EcsServiceSteps
{
    /// <summary>The sandbox's own service settings (sandbox/lib/ecs.sh).</summary>
    public const string SandboxConfiguration = "deploymentCircuitBreaker={enable=true,rollback=true},minimumHealthyPercent=50,maximumPercent=200";

    private static readonly TimeSpan Limit = TimeSpan.FromSeconds(90);

    private static string Id(JsonNode deployment) => deployment["id"]!.GetValue<string>();
    private static bool Completed(JsonNode service) => EcsEndpoint.Primary(service)["rolloutState"]!.GetValue<string>() == "COMPLETED";

    /// <summary>Service "web" on the node server revision of <paramref name="family"/>, once its deployment is COMPLETED.</summary>
    public static async Task<(string Definition, string Deployment)> SteadyWebServiceAsync(
        this EcsEndpoint e, string cluster, string family, int desiredCount, string configuration, CancellationToken ct)
    {
        var good = await e.RegisterAsync(EcsEndpoint.Definition(family), ct);
        await e.AwsOkAsync(ct, "create-service", "--cluster", cluster, "--service-name", "web", "--task-definition", good,
            "--desired-count", desiredCount.ToString(System.Globalization.CultureInfo.InvariantCulture), "--deployment-configuration", configuration);
        var service = await e.WaitAsync(cluster, "web", Completed, Limit, ct);
        return (good, Id(EcsEndpoint.Primary(service)));
    }

    /// <summary>`aws ecs update-service` of "web" to <paramref name="definition"/>; the new deployment's ID.</summary>
    public static async Task<string> UpdateWebAsync(this EcsEndpoint e, string cluster, string definition, CancellationToken ct) =>
        Id(EcsEndpoint.Primary((await e.AwsOkAsync(ct, "update-service", "--cluster", cluster, "--service", "web", "--task-definition", definition))["service"]!));

    /// <summary>Waits until another deployment than <paramref name="failed"/> is the only one and COMPLETED;
    /// <paramref name="watch"/> sees every answer on the way (the failed deployment is listed only until then).</summary>
    public static Task<JsonNode> WaitRolledBackAsync(this EcsEndpoint e, string cluster, string failed, Action<JsonNode> watch, CancellationToken ct) =>
        e.WaitAsync(cluster, "web", s =>
        {
            watch(s);
            return Id(EcsEndpoint.Primary(s)) != failed && Completed(s) && s["deployments"]!.AsArray().Count == 1;
        }, Limit, ct);

    /// <summary>`aws ecs list-tasks --desired-status STOPPED` of "web", then `aws ecs describe-tasks` of them.</summary>
    public static async Task<List<JsonNode>> StoppedWebTasksAsync(this EcsEndpoint e, string cluster, CancellationToken ct)
    {
        var arns = (await e.AwsOkAsync(ct, "list-tasks", "--cluster", cluster, "--service-name", "web", "--desired-status", "STOPPED"))["taskArns"]!
            .AsArray().Select(t => t!.GetValue<string>()).ToList();
        if (arns.Count == 0) return [];
        return (await e.AwsOkAsync(ct, ["describe-tasks", "--cluster", cluster, "--tasks", .. arns]))["tasks"]!.AsArray().Select(t => t!).ToList();
    }
}
