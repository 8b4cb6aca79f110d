using System.Text.Json.Nodes;

namespace Pipeline.Aws.Ecs;

/// <summary>The ECS calls DeployProduction makes, over the signed JSON client.</summary>
public sealed class EcsClient(AwsJsonClient client)
{
    public AwsServiceEndpoint Endpoint => client.Endpoint;

    public async Task<EcsCluster?> FindClusterAsync(string cluster, CancellationToken cancellation)
    {
        var response = await client.CallAsync<DescribeClustersResponse>("DescribeClusters", new DescribeClustersRequest([cluster]), cancellation);
        return response.Clusters?.FirstOrDefault(c => c.Status == "ACTIVE");
    }

    public async Task<EcsService?> FindServiceAsync(string cluster, string service, CancellationToken cancellation)
    {
        var response = await client.CallAsync<DescribeServicesResponse>("DescribeServices", new DescribeServicesRequest(cluster, [service]), cancellation);
        return response.Services?.FirstOrDefault(s => s.Status == "ACTIVE");
    }

    public Task<DescribeTaskDefinitionResponse> DescribeTaskDefinitionAsync(string taskDefinition, CancellationToken cancellation) =>
        client.CallAsync<DescribeTaskDefinitionResponse>("DescribeTaskDefinition", new DescribeTaskDefinitionRequest(taskDefinition, ["TAGS"]), cancellation);

    public Task<RegisterTaskDefinitionResponse> RegisterTaskDefinitionAsync(JsonObject request, CancellationToken cancellation) =>
        client.CallAsync<RegisterTaskDefinitionResponse>("RegisterTaskDefinition", request, cancellation);

    public async Task<EcsService> UpdateServiceAsync(string cluster, string service, string taskDefinition, CancellationToken cancellation)
    {
        var response = await client.CallAsync<UpdateServiceResponse>("UpdateService", new UpdateServiceRequest(cluster, service, taskDefinition), cancellation);
        return response.Service ?? throw new PipelineException($"ECS UpdateService of {service} returned no service", "Retry; check the service in the ECS console.");
    }

    public async Task<IReadOnlyList<EcsTask>> StoppedTasksAsync(string cluster, string service, CancellationToken cancellation)
    {
        var arns = await client.CallAsync<ListTasksResponse>("ListTasks", new ListTasksRequest(cluster, service, "STOPPED"), cancellation);
        if (arns.TaskArns is not { Count: > 0 } list) return [];
        // DescribeTasks takes at most 100 tasks per call.
        var response = await client.CallAsync<DescribeTasksResponse>("DescribeTasks", new DescribeTasksRequest(cluster, list.Take(100).ToList()), cancellation);
        return response.Tasks ?? [];
    }

    /// <summary>ACTIVE revisions of a family, newest first.</summary>
    public async Task<IReadOnlyList<string>> ActiveRevisionsAsync(string family, CancellationToken cancellation)
    {
        var arns = new List<string>();
        string? token = null;
        do
        {
            var page = await client.CallAsync<ListTaskDefinitionsResponse>(
                "ListTaskDefinitions", new ListTaskDefinitionsRequest(family, "ACTIVE", "DESC", token), cancellation);
            // familyPrefix also matches longer family names ("app" matches "app-worker"): keep this family only.
            arns.AddRange((page.TaskDefinitionArns ?? []).Where(arn => TaskDefinitionArn.Family(arn) == family));
            token = page.NextToken;
        }
        while (token is not null);
        return arns;
    }

    public Task DeregisterTaskDefinitionAsync(string taskDefinition, CancellationToken cancellation) =>
        client.CallAsync<JsonObject>("DeregisterTaskDefinition", new DeregisterTaskDefinitionRequest(taskDefinition), cancellation);
}

/// <summary>Reads the parts of arn:aws:ecs:region:account:task-definition/family:revision.</summary>
public static class TaskDefinitionArn
{
    public static string Family(string arn) => Tail(arn).Split(':')[0];

    public static int Revision(string arn) => int.TryParse(Tail(arn).Split(':').ElementAtOrDefault(1), out var revision) ? revision : 0;

    public static string Short(string arn) => Tail(arn);

    private static string Tail(string arn) => arn[(arn.LastIndexOf('/') + 1)..];
}
