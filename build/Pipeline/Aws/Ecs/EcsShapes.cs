using System.Text.Json.Nodes;

namespace Pipeline.Aws.Ecs;

// The ECS shapes the pipeline reads, named as in ecs/2014-11-13/service-2.json (camelCase on the wire). Task
// definitions stay JSON objects: they are copied member by member, so no field can be lost by a record that lacks it.

public sealed record DescribeServicesRequest(string Cluster, IReadOnlyList<string> Services);

public sealed record DescribeServicesResponse(IReadOnlyList<EcsService>? Services, IReadOnlyList<EcsFailure>? Failures);

public sealed record EcsFailure(string? Arn, string? Reason, string? Detail);

public sealed record EcsService(
    string? ServiceArn, string? ServiceName, string? ClusterArn, string? Status, int? DesiredCount, int? RunningCount,
    string? TaskDefinition, IReadOnlyList<EcsDeployment>? Deployments, IReadOnlyList<ServiceEvent>? Events,
    DeploymentConfiguration? DeploymentConfiguration);

public sealed record DeploymentConfiguration(DeploymentCircuitBreaker? DeploymentCircuitBreaker, int? MaximumPercent, int? MinimumHealthyPercent);

public sealed record DeploymentCircuitBreaker(bool Enable, bool Rollback);

public sealed record EcsDeployment(
    string? Id, string? Status, string? TaskDefinition, int? DesiredCount, int? PendingCount, int? RunningCount,
    int? FailedTasks, double? CreatedAt, double? UpdatedAt, string? RolloutState, string? RolloutStateReason);

public sealed record ServiceEvent(string? Id, double? CreatedAt, string? Message);

public sealed record DescribeTaskDefinitionRequest(string TaskDefinition, IReadOnlyList<string>? Include = null);

/// <summary>DescribeTaskDefinition's answer: the definition and, with include TAGS, its tags.</summary>
public sealed record DescribeTaskDefinitionResponse(JsonObject? TaskDefinition, JsonArray? Tags);

public sealed record RegisterTaskDefinitionResponse(JsonObject? TaskDefinition, JsonArray? Tags);

public sealed record UpdateServiceRequest(string Cluster, string Service, string TaskDefinition);

public sealed record UpdateServiceResponse(EcsService? Service);

public sealed record ListTasksRequest(string Cluster, string? ServiceName, string? DesiredStatus, string? NextToken = null);

public sealed record ListTasksResponse(IReadOnlyList<string>? TaskArns, string? NextToken);

public sealed record DescribeTasksRequest(string Cluster, IReadOnlyList<string> Tasks);

public sealed record DescribeTasksResponse(IReadOnlyList<EcsTask>? Tasks, IReadOnlyList<EcsFailure>? Failures);

public sealed record EcsTask(
    string? TaskArn, string? TaskDefinitionArn, string? LastStatus, string? DesiredStatus, string? StoppedReason,
    string? StopCode, double? StartedAt, double? StoppedAt, string? Group, IReadOnlyList<EcsContainer>? Containers);

public sealed record EcsContainer(string? Name, string? Image, string? LastStatus, int? ExitCode, string? Reason, string? HealthStatus);

public sealed record ListTaskDefinitionsRequest(string FamilyPrefix, string Status, string Sort, string? NextToken = null);

public sealed record ListTaskDefinitionsResponse(IReadOnlyList<string>? TaskDefinitionArns, string? NextToken);

public sealed record DeregisterTaskDefinitionRequest(string TaskDefinition);

public sealed record DescribeClustersRequest(IReadOnlyList<string> Clusters);

public sealed record DescribeClustersResponse(IReadOnlyList<EcsCluster>? Clusters, IReadOnlyList<EcsFailure>? Failures);

public sealed record EcsCluster(string? ClusterArn, string? ClusterName, string? Status);
