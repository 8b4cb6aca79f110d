using System.Text.Json.Nodes;

namespace AwsEndpoint.Ecs.Shapes;

// Request and response shapes of ecs/2014-11-13/service-2.json, members named exactly as the model names them
// (camelCase by the serializer policy). Only members this endpoint reads or fills are declared; the shape tests in
// tests/AwsEndpoint.Tests/Ecs check every record and every live response against the model. A task definition is
// kept as the JSON it was registered with (every member verbatim), so it is a JsonObject here.

public sealed record Tag(string? Key = null, string? Value = null);

public sealed record KeyValuePair(string? Name = null, string? Value = null);

public sealed record Failure(string? Arn, string? Reason, string? Detail = null);

public sealed record DeploymentCircuitBreaker(bool Enable, bool Rollback);

public sealed record DeploymentConfiguration(DeploymentCircuitBreaker? DeploymentCircuitBreaker = null, int? MaximumPercent = null, int? MinimumHealthyPercent = null);

public sealed record DeploymentController(string Type);

public sealed record ServiceEvent(string Id, DateTimeOffset CreatedAt, string Message);

public sealed record Cluster(
    string ClusterArn, string ClusterName, string Status, int RegisteredContainerInstancesCount, int RunningTasksCount,
    int PendingTasksCount, int ActiveServicesCount, IReadOnlyList<Tag>? Tags, IReadOnlyList<KeyValuePair> Statistics,
    IReadOnlyList<object> Settings, IReadOnlyList<string> CapacityProviders, IReadOnlyList<object> DefaultCapacityProviderStrategy);

public sealed record Deployment(
    string Id, string Status, string TaskDefinition, int DesiredCount, int PendingCount, int RunningCount, int FailedTasks,
    DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt, string LaunchType, string RolloutState, string RolloutStateReason);

public sealed record Service(
    string ServiceArn, string ServiceName, string ClusterArn, IReadOnlyList<object> LoadBalancers, IReadOnlyList<object> ServiceRegistries,
    string Status, int DesiredCount, int RunningCount, int PendingCount, string LaunchType, string TaskDefinition,
    DeploymentConfiguration DeploymentConfiguration, IReadOnlyList<Deployment> Deployments, IReadOnlyList<ServiceEvent> Events,
    DateTimeOffset CreatedAt, IReadOnlyList<object> PlacementConstraints, IReadOnlyList<object> PlacementStrategy,
    int? HealthCheckGracePeriodSeconds, string SchedulingStrategy, DeploymentController DeploymentController,
    IReadOnlyList<Tag>? Tags, string CreatedBy, bool EnableECSManagedTags, string PropagateTags, bool EnableExecuteCommand);

public sealed record NetworkBinding(string BindIP, int ContainerPort, int HostPort, string Protocol);

public sealed record Container(
    string ContainerArn, string TaskArn, string Name, string Image, string? RuntimeId, string LastStatus, int? ExitCode,
    string? Reason, IReadOnlyList<NetworkBinding> NetworkBindings, string HealthStatus, string? Cpu, string? Memory);

// The model's shape is "Task"; renamed here so it never shadows System.Threading.Tasks.Task.
public sealed record TaskDescription(
    IReadOnlyList<object> Attachments, IReadOnlyList<object> Attributes, string AvailabilityZone, string ClusterArn, string Connectivity,
    DateTimeOffset? ConnectivityAt, IReadOnlyList<Container> Containers, string? Cpu, DateTimeOffset CreatedAt, string DesiredStatus,
    bool EnableExecuteCommand, DateTimeOffset? ExecutionStoppedAt, string Group, string HealthStatus, string LastStatus,
    string LaunchType, string? Memory, JsonObject Overrides, DateTimeOffset? PullStartedAt, DateTimeOffset? PullStoppedAt,
    DateTimeOffset? StartedAt, string StartedBy, string? StopCode, DateTimeOffset? StoppedAt, string? StoppedReason,
    DateTimeOffset? StoppingAt, IReadOnlyList<Tag>? Tags, string TaskArn, string TaskDefinitionArn, long Version);

public sealed record CreateClusterRequest(string? ClusterName = null, IReadOnlyList<Tag>? Tags = null);
public sealed record CreateClusterResponse(Cluster Cluster);

public sealed record DescribeClustersRequest(IReadOnlyList<string>? Clusters = null, IReadOnlyList<string>? Include = null);
public sealed record DescribeClustersResponse(IReadOnlyList<Cluster> Clusters, IReadOnlyList<Failure> Failures);

public sealed record ListClustersRequest(string? NextToken = null, int? MaxResults = null);
public sealed record ListClustersResponse(IReadOnlyList<string> ClusterArns, string? NextToken);

public sealed record CreateServiceRequest(
    string? Cluster = null, string? ServiceName = null, string? TaskDefinition = null, int? DesiredCount = null, string? ClientToken = null,
    string? LaunchType = null, DeploymentConfiguration? DeploymentConfiguration = null, string? SchedulingStrategy = null,
    int? HealthCheckGracePeriodSeconds = null, DeploymentController? DeploymentController = null, IReadOnlyList<Tag>? Tags = null);
public sealed record CreateServiceResponse(Service Service);

public sealed record DescribeServicesRequest(string? Cluster = null, IReadOnlyList<string>? Services = null, IReadOnlyList<string>? Include = null);
public sealed record DescribeServicesResponse(IReadOnlyList<Service> Services, IReadOnlyList<Failure> Failures);

public sealed record UpdateServiceRequest(
    string? Cluster = null, string? Service = null, int? DesiredCount = null, string? TaskDefinition = null,
    DeploymentConfiguration? DeploymentConfiguration = null, bool? ForceNewDeployment = null, int? HealthCheckGracePeriodSeconds = null);
public sealed record UpdateServiceResponse(Service Service);

public sealed record ListServicesRequest(
    string? Cluster = null, string? NextToken = null, int? MaxResults = null, string? LaunchType = null, string? SchedulingStrategy = null);
public sealed record ListServicesResponse(IReadOnlyList<string> ServiceArns, string? NextToken);

public sealed record RegisterTaskDefinitionResponse(JsonObject TaskDefinition, IReadOnlyList<Tag> Tags);

public sealed record DescribeTaskDefinitionRequest(string? TaskDefinition = null, IReadOnlyList<string>? Include = null);
public sealed record DescribeTaskDefinitionResponse(JsonObject TaskDefinition, IReadOnlyList<Tag>? Tags);

public sealed record DeregisterTaskDefinitionRequest(string? TaskDefinition = null);
public sealed record DeregisterTaskDefinitionResponse(JsonObject TaskDefinition);

public sealed record ListTaskDefinitionsRequest(string? FamilyPrefix = null, string? Status = null, string? Sort = null, string? NextToken = null, int? MaxResults = null);
public sealed record ListTaskDefinitionsResponse(IReadOnlyList<string> TaskDefinitionArns, string? NextToken);

public sealed record ListTaskDefinitionFamiliesRequest(string? FamilyPrefix = null, string? Status = null, string? NextToken = null, int? MaxResults = null);
public sealed record ListTaskDefinitionFamiliesResponse(IReadOnlyList<string> Families, string? NextToken);

public sealed record ListTasksRequest(
    string? Cluster = null, string? Family = null, string? NextToken = null, int? MaxResults = null, string? StartedBy = null,
    string? ServiceName = null, string? DesiredStatus = null, string? LaunchType = null);
public sealed record ListTasksResponse(IReadOnlyList<string> TaskArns, string? NextToken);

public sealed record DescribeTasksRequest(string? Cluster = null, IReadOnlyList<string>? Tasks = null, IReadOnlyList<string>? Include = null);
public sealed record DescribeTasksResponse(IReadOnlyList<TaskDescription> Tasks, IReadOnlyList<Failure> Failures);
