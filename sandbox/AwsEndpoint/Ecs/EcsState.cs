using System.Security.Cryptography;
using System.Text.Json.Nodes;
using AwsEndpoint.Ecs.Shapes;

namespace AwsEndpoint.Ecs;

/// <summary>Everything the sandbox's ECS knows, in memory, behind one lock: operations are quick reads and writes
/// under <see cref="Gate"/>; the scheduler takes it to decide and releases it for engine calls. A restart forgets
/// it all (the endpoint then removes its old task containers, and sandbox/up.sh creates the cluster again).</summary>
public sealed class EcsState(EndpointOptions options, TimeProvider clock)
{
    public Lock Gate { get; } = new();
    public TimeProvider Clock { get; } = clock;
    public string Region { get; } = options.Region;
    public string Account { get; } = options.AccountId;
    public TaskDefinitionRegistry TaskDefinitions { get; } = new(options.Region, options.AccountId);
    public Dictionary<string, ClusterState> Clusters { get; } = new(StringComparer.Ordinal);
    /// <summary>Every task by ID, live and stopped, in launch order.</summary>
    public Dictionary<string, TaskState> Tasks { get; } = new(StringComparer.Ordinal);

    public DateTimeOffset Now => Clock.GetUtcNow();

    public string ClusterArn(string name) => $"arn:aws:ecs:{Region}:{Account}:cluster/{name}";

    /// <summary>A cluster by name or ARN; omitted means "default", as in AWS.</summary>
    public ClusterState Cluster(string? reference)
    {
        var name = NameOf(reference ?? "default", ":cluster/");
        return Clusters.TryGetValue(name, out var c) ? c : throw EcsErrors.ClusterNotFound();
    }

    public ServiceState? FindService(ClusterState cluster, string reference)
    {
        var name = reference.StartsWith("arn:", StringComparison.Ordinal) ? reference[(reference.LastIndexOf('/') + 1)..] : reference;
        return cluster.Services.GetValueOrDefault(name);
    }

    public TaskState? FindTask(ClusterState cluster, string reference)
    {
        var id = reference.StartsWith("arn:", StringComparison.Ordinal) ? reference[(reference.LastIndexOf('/') + 1)..] : reference;
        return Tasks.TryGetValue(id, out var t) && t.Service.Cluster == cluster ? t : null;
    }

    public static string NameOf(string reference, string marker)
    {
        var at = reference.IndexOf(marker, StringComparison.Ordinal);
        return reference.StartsWith("arn:", StringComparison.Ordinal) && at >= 0 ? reference[(at + marker.Length)..] : reference;
    }

    /// <summary>ECS deployment IDs look like ecs-svc/ followed by 19 digits.</summary>
    public static string NewDeploymentId() =>
        "ecs-svc/" + string.Concat(Enumerable.Range(0, 19).Select(i => (char)('0' + RandomNumberGenerator.GetInt32(i == 0 ? 1 : 0, 10))));

    public static string NewTaskId() => Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));

    public void AddEvent(ServiceState service, string message)
    {
        service.Events.Insert(0, new ServiceEvent(Guid.NewGuid().ToString(), Now, $"(service {service.Name}) {message}"));
        if (service.Events.Count > 100) service.Events.RemoveAt(service.Events.Count - 1);
    }

    /// <summary>A new PRIMARY deployment; the previous PRIMARY becomes ACTIVE until the new one replaces its tasks.</summary>
    public DeploymentState StartDeployment(ServiceState service, string taskDefinitionArn, string? reason = null)
    {
        foreach (var d in service.Deployments.Where(d => d.Status == "PRIMARY"))
        {
            d.Status = "ACTIVE";
            d.UpdatedAt = Now;
        }
        var deployment = new DeploymentState(NewDeploymentId(), taskDefinitionArn, service.DesiredCount, Now);
        if (reason is not null) deployment.RolloutStateReason = reason;
        service.Deployments.Insert(0, deployment);
        // "If you update your service to use a new task definition, your service returns to a normal, non-throttled
        // state immediately" (ECS service throttle logic); forceNewDeployment of the same one does not.
        if (taskDefinitionArn != service.TaskDefinitionArn) service.Throttle.Reset();
        service.TaskDefinitionArn = taskDefinitionArn;
        return deployment;
    }

    public IEnumerable<TaskState> TasksOf(ServiceState service) => Tasks.Values.Where(t => t.Service == service);

    public Cluster Describe(ClusterState c, bool tags)
    {
        var tasks = Tasks.Values.Where(t => t.Service.Cluster == c && !t.Stopped).ToList();
        return new Cluster(c.Arn, c.Name, "ACTIVE", 0, tasks.Count(t => t.LastStatus == "RUNNING"), tasks.Count(t => t.LastStatus != "RUNNING"),
            c.Services.Count, tags ? c.Tags ?? [] : null, [], [], [], []);
    }

    public Service Describe(ServiceState s, bool tags)
    {
        var live = TasksOf(s).Where(t => !t.Stopped).ToList();
        var deployments = s.Deployments.Where(d => d.Status != "INACTIVE").Select(d =>
        {
            var mine = live.Where(t => t.Deployment == d).ToList();
            return new Deployment(d.Id, d.Status, d.TaskDefinitionArn, d.DesiredCount, mine.Count(IsPending), mine.Count(t => t.LastStatus == "RUNNING"),
                d.FailedTasks, d.CreatedAt, d.UpdatedAt, "EC2", d.RolloutState, d.RolloutStateReason);
        }).ToList();
        return new Service(s.Arn, s.Name, s.Cluster.Arn, [], [], "ACTIVE", s.DesiredCount, live.Count(t => t.LastStatus == "RUNNING"),
            live.Count(IsPending), "EC2", s.TaskDefinitionArn, s.DeploymentConfiguration, deployments, s.Events.ToList(), s.CreatedAt,
            [], [], s.HealthCheckGracePeriodSeconds, "REPLICA", new DeploymentController("ECS"), tags ? s.Tags ?? [] : null,
            $"arn:aws:iam::{Account}:root", false, "NONE", false);
    }

    private static bool IsPending(TaskState t) => t.LastStatus is "PROVISIONING" or "PENDING" or "ACTIVATING";

    public TaskDescription Describe(TaskState t, bool tags)
    {
        var cpu = t.TaskDefinition["cpu"]?.GetValue<string>();
        var memory = t.TaskDefinition["memory"]?.GetValue<string>();
        var containers = t.Containers.Select(c => new Container(c.Arn, t.Arn, c.Name, c.Image, c.DockerId, c.LastStatus, c.ExitCode, c.Reason,
            c.NetworkBindings.ToList(), c.HealthStatus, "0", null)).ToList();
        var overrides = new JsonObject
        {
            ["containerOverrides"] = new JsonArray(t.Containers.Select(c => (JsonNode)new JsonObject { ["name"] = c.Name }).ToArray()),
            ["inferenceAcceleratorOverrides"] = new JsonArray(),
        };
        return new TaskDescription([], [], Region + "a", t.Service.Cluster.Arn, t.StartedAt is null ? "DISCONNECTED" : "CONNECTED", t.StartedAt,
            containers, cpu, t.CreatedAt, t.DesiredStatus, false, t.StoppedAt, "service:" + t.Service.Name, t.HealthStatus, t.LastStatus,
            "EC2", memory, overrides, t.PullStartedAt, t.PullStoppedAt, t.StartedAt, t.Deployment.Id, t.StopCode, t.StoppedAt,
            t.StoppedReason, t.StoppingAt, tags ? [] : null, t.Arn, t.TaskDefinitionArn, t.Stopped ? 5 : t.LastStatus == "RUNNING" ? 3 : 1);
    }
}
