using System.Text.Json;
using System.Text.RegularExpressions;
using AwsEndpoint.Ecs.Shapes;
using AwsEndpoint.Protocol;

namespace AwsEndpoint.Ecs;

/// <summary>CreateCluster (idempotent, like AWS: an existing cluster is returned as it is), DescribeClusters and
/// ListClusters.</summary>
public sealed partial class EcsClusterOperations(EcsState state)
{
    [GeneratedRegex("^[a-zA-Z0-9_-]{1,255}$")]
    private static partial Regex NamePattern();

    public Task<object> CreateClusterAsync(JsonElement input, CancellationToken ct)
    {
        var request = AwsJson.Read<CreateClusterRequest>(input);
        var name = request.ClusterName ?? "default";
        if (!NamePattern().IsMatch(name))
            throw EcsErrors.InvalidParameter("Cluster name can only contain up to 255 letters (uppercase and lowercase), numbers, hyphens, and underscores.");
        lock (state.Gate)
        {
            if (!state.Clusters.TryGetValue(name, out var cluster))
                state.Clusters[name] = cluster = new ClusterState(name, state.ClusterArn(name)) { Tags = request.Tags?.ToList() };
            return Task.FromResult<object>(new CreateClusterResponse(state.Describe(cluster, tags: true)));
        }
    }

    public Task<object> DescribeClustersAsync(JsonElement input, CancellationToken ct)
    {
        var request = AwsJson.Read<DescribeClustersRequest>(input);
        var tags = request.Include?.Contains("TAGS") ?? false;
        var clusters = new List<Cluster>();
        var failures = new List<Failure>();
        lock (state.Gate)
        {
            foreach (var reference in request.Clusters is { Count: > 0 } named ? named : ["default"])
            {
                var name = EcsState.NameOf(reference, ":cluster/");
                if (state.Clusters.TryGetValue(name, out var c)) clusters.Add(state.Describe(c, tags));
                else failures.Add(new Failure(state.ClusterArn(name), "MISSING"));
            }
        }
        return Task.FromResult<object>(new DescribeClustersResponse(clusters, failures));
    }

    public Task<object> ListClustersAsync(JsonElement input, CancellationToken ct)
    {
        var request = AwsJson.Read<ListClustersRequest>(input);
        lock (state.Gate)
        {
            // By name, so pages stay put while clusters are added (clusters are never deleted here).
            var arns = state.Clusters.Values.OrderBy(c => c.Name, StringComparer.Ordinal).Select(c => c.Arn).ToList();
            var (page, next) = EcsPaging.Page(arns, request.NextToken, request.MaxResults);
            return Task.FromResult<object>(new ListClustersResponse(page, next));
        }
    }
}
