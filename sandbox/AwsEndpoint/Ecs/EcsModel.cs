using System.Text.Json.Nodes;
using AwsEndpoint.Ecs.Shapes;

namespace AwsEndpoint.Ecs;

// The endpoint's in-memory ECS state. Mutable on purpose: every read and write happens under EcsState.Gate, and
// responses are immutable shape records built from it.

public sealed class ClusterState(string name, string arn)
{
    public string Name { get; } = name;
    public string Arn { get; } = arn;
    public List<Tag>? Tags { get; set; }
    public Dictionary<string, ServiceState> Services { get; } = new(StringComparer.Ordinal);
}

public sealed class ServiceState(ClusterState cluster, string name, string arn, DateTimeOffset createdAt)
{
    public ClusterState Cluster { get; } = cluster;
    public string Name { get; } = name;
    public string Arn { get; } = arn;
    public DateTimeOffset CreatedAt { get; } = createdAt;
    public int DesiredCount { get; set; }
    public string TaskDefinitionArn { get; set; } = "";
    public DeploymentConfiguration DeploymentConfiguration { get; set; } = EcsDefaults.DeploymentConfiguration;
    public int? HealthCheckGracePeriodSeconds { get; set; }
    public List<Tag>? Tags { get; set; }
    public string? ClientToken { get; set; }
    /// <summary>Newest first, like DescribeServices: the PRIMARY deployment is [0].</summary>
    public List<DeploymentState> Deployments { get; } = [];
    /// <summary>Newest first, capped like AWS's (which returns the latest 100).</summary>
    public List<ServiceEvent> Events { get; } = [];
    /// <summary>The last deployment that reached COMPLETED: what the circuit breaker rolls back to.</summary>
    public DeploymentState? LastCompleted { get; set; }
    /// <summary>Slows launches down while the service's tasks keep failing to start.</summary>
    public LaunchThrottle Throttle { get; } = new();
}

public sealed class DeploymentState(string id, string taskDefinitionArn, int desiredCount, DateTimeOffset createdAt)
{
    public string Id { get; } = id;
    public string Status { get; set; } = "PRIMARY";
    public string TaskDefinitionArn { get; } = taskDefinitionArn;
    public int DesiredCount { get; set; } = desiredCount;
    public int FailedTasks { get; set; }
    public DateTimeOffset CreatedAt { get; } = createdAt;
    public DateTimeOffset UpdatedAt { get; set; } = createdAt;
    public string RolloutState { get; set; } = "IN_PROGRESS";
    public string RolloutStateReason { get; set; } = $"ECS deployment {id} in progress.";
}

public sealed class TaskState(string id, string arn, ServiceState service, DeploymentState deployment, JsonObject taskDefinition, DateTimeOffset createdAt)
{
    public string Id { get; } = id;
    public string Arn { get; } = arn;
    public ServiceState Service { get; } = service;
    public DeploymentState Deployment { get; } = deployment;
    /// <summary>The task definition as registered when the task was launched.</summary>
    public JsonObject TaskDefinition { get; } = taskDefinition;
    public DateTimeOffset CreatedAt { get; } = createdAt;
    public string LastStatus { get; set; } = "PROVISIONING";
    public string DesiredStatus { get; set; } = "RUNNING";
    public string HealthStatus { get; set; } = "UNKNOWN";
    public DateTimeOffset? PullStartedAt { get; set; }
    public DateTimeOffset? PullStoppedAt { get; set; }
    public DateTimeOffset? StartedAt { get; set; }
    public DateTimeOffset? StoppingAt { get; set; }
    public DateTimeOffset? StoppedAt { get; set; }
    public string? StoppedReason { get; set; }
    public string? StopCode { get; set; }
    /// <summary>A launch or stop is under way on the engine; the scheduler leaves the task alone until it ends.</summary>
    public bool Busy { get; set; }
    public List<TaskContainerState> Containers { get; } = [];

    public bool Live => DesiredStatus == "RUNNING" && LastStatus != "STOPPED";
    public bool Stopped => LastStatus == "STOPPED";
    public string TaskDefinitionArn => TaskDefinition["taskDefinitionArn"]!.GetValue<string>();
}

public sealed class TaskContainerState(string name, string image, bool essential, bool hasHealthCheck)
{
    public string Name { get; } = name;
    public string Image { get; } = image;
    public bool Essential { get; } = essential;
    public bool HasHealthCheck { get; } = hasHealthCheck;
    public string Arn { get; set; } = "";
    public string? DockerId { get; set; }
    public string LastStatus { get; set; } = "PENDING";
    public int? ExitCode { get; set; }
    public string? Reason { get; set; }
    public string HealthStatus { get; set; } = "UNKNOWN";
    public List<NetworkBinding> NetworkBindings { get; set; } = [];
}

public static class EcsDefaults
{
    // CreateService's defaults for a REPLICA service on EC2, as AWS documents them.
    public static DeploymentConfiguration DeploymentConfiguration { get; } =
        new(new DeploymentCircuitBreaker(false, false), 200, 100);
}
