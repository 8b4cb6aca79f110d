using System.Text.Json;
using AwsEndpoint.Ecs.Shapes;
using AwsEndpoint.Protocol;

namespace AwsEndpoint.Ecs;

/// <summary>ListTasks and DescribeTasks over the tasks the scheduler runs (and the stopped ones it keeps).</summary>
public sealed class EcsTaskOperations(EcsState state)
{
    public Task<object> ListTasksAsync(JsonElement input, CancellationToken ct)
    {
        var request = AwsJson.Read<ListTasksRequest>(input);
        var desired = request.DesiredStatus ?? "RUNNING";
        AwsServiceException.CheckEnum("desiredStatus", desired, "RUNNING", "PENDING", "STOPPED");
        lock (state.Gate)
        {
            var cluster = state.Cluster(request.Cluster);
            ServiceState? service = null;
            if (request.ServiceName is { } name) service = state.FindService(cluster, name) ?? throw EcsErrors.ServiceNotFound();
            var family = request.Family;
            var arns = state.Tasks.Values
                .Where(t => t.Service.Cluster == cluster && (service is null || t.Service == service))
                .Where(t => family is null || t.TaskDefinition["family"]!.GetValue<string>() == family)
                .Where(t => request.StartedBy is null || t.Deployment.Id == request.StartedBy)
                // PENDING lists nothing: a task that is starting already has desiredStatus RUNNING, as in AWS.
                .Where(t => desired == "STOPPED" ? t.DesiredStatus == "STOPPED" : desired == "RUNNING" && t.DesiredStatus == "RUNNING")
                .Select(t => t.Arn).ToList();
            var (page, next) = EcsPaging.Page(arns, request.NextToken, request.MaxResults);
            return Task.FromResult<object>(new ListTasksResponse(page, next));
        }
    }

    public Task<object> DescribeTasksAsync(JsonElement input, CancellationToken ct)
    {
        var request = AwsJson.Read<DescribeTasksRequest>(input);
        if (request.Tasks is null) throw EcsErrors.Missing("tasks");
        if (request.Tasks.Count is 0 or > 100) throw EcsErrors.InvalidParameter("Tasks cannot be empty.");
        var tags = request.Include?.Contains("TAGS") ?? false;
        lock (state.Gate)
        {
            var cluster = state.Cluster(request.Cluster);
            var tasks = new List<TaskDescription>();
            var failures = new List<Failure>();
            foreach (var reference in request.Tasks)
            {
                if (state.FindTask(cluster, reference) is { } t) tasks.Add(state.Describe(t, tags));
                else failures.Add(new Failure(reference.StartsWith("arn:", StringComparison.Ordinal) ? reference
                    : $"arn:aws:ecs:{state.Region}:{state.Account}:task/{cluster.Name}/{reference}", "MISSING"));
            }
            return Task.FromResult<object>(new DescribeTasksResponse(tasks, failures));
        }
    }
}
