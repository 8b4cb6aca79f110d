using System.Text.Json;
using System.Text.RegularExpressions;
using AwsEndpoint.Ecs.Shapes;
using AwsEndpoint.Protocol;

namespace AwsEndpoint.Ecs;

/// <summary>CreateService, DescribeServices, UpdateService, ListServices. Creating a service or changing its task
/// definition (or forceNewDeployment) starts a new PRIMARY deployment; the scheduler does the rest.</summary>
public sealed partial class EcsServiceOperations(EcsState state)
{
    [GeneratedRegex("^[a-zA-Z0-9_-]{1,255}$")]
    private static partial Regex NamePattern();

    public Task<object> CreateServiceAsync(JsonElement input, CancellationToken ct)
    {
        var request = AwsJson.Read<CreateServiceRequest>(input);
        var name = request.ServiceName ?? throw EcsErrors.Missing("serviceName");
        if (!NamePattern().IsMatch(name))
            throw EcsErrors.InvalidParameter("Service name can only contain up to 255 letters (uppercase and lowercase), numbers, hyphens, and underscores.");
        if (request.LaunchType is not (null or "EC2"))
            throw new AwsServiceException("UnsupportedFeatureException", $"The sandbox runs tasks on its Docker engine only (launchType EC2), not {request.LaunchType}.");
        if (request.SchedulingStrategy is not (null or "REPLICA"))
            throw new AwsServiceException("UnsupportedFeatureException", "The sandbox supports the REPLICA scheduling strategy only.");
        if (request.DeploymentController?.Type is not (null or "ECS"))
            throw new AwsServiceException("UnsupportedFeatureException", "The sandbox supports the ECS (rolling update) deployment controller only.");
        var desired = request.DesiredCount ?? 0;
        if (desired < 0) throw EcsErrors.InvalidParameter("Desired count must be greater than or equal to 0.");
        var configuration = Merge(EcsDefaults.DeploymentConfiguration, request.DeploymentConfiguration);
        lock (state.Gate)
        {
            var cluster = state.Cluster(request.Cluster);
            if (cluster.Services.TryGetValue(name, out var existing))
            {
                if (request.ClientToken is not null && request.ClientToken == existing.ClientToken)
                    return Task.FromResult<object>(new CreateServiceResponse(state.Describe(existing, tags: true)));
                throw EcsErrors.InvalidParameter("Creation of service was not idempotent.");
            }
            var definition = ActiveDefinition(request.TaskDefinition ?? throw EcsErrors.InvalidParameter("Task definition must be specified."));
            var service = new ServiceState(cluster, name, $"arn:aws:ecs:{state.Region}:{state.Account}:service/{cluster.Name}/{name}", state.Now)
            {
                DesiredCount = desired, DeploymentConfiguration = configuration, HealthCheckGracePeriodSeconds = request.HealthCheckGracePeriodSeconds,
                Tags = request.Tags?.ToList(), ClientToken = request.ClientToken,
            };
            cluster.Services[name] = service;
            state.StartDeployment(service, definition);
            return Task.FromResult<object>(new CreateServiceResponse(state.Describe(service, tags: true)));
        }
    }

    public Task<object> DescribeServicesAsync(JsonElement input, CancellationToken ct)
    {
        var request = AwsJson.Read<DescribeServicesRequest>(input);
        if (request.Services is null) throw EcsErrors.Missing("services");
        if (request.Services.Count is 0 or > 10) throw EcsErrors.InvalidParameter("services should have between 1 and 10 elements.");
        var tags = request.Include?.Contains("TAGS") ?? false;
        var services = new List<Service>();
        var failures = new List<Failure>();
        lock (state.Gate)
        {
            var cluster = state.Cluster(request.Cluster);
            foreach (var reference in request.Services)
            {
                if (state.FindService(cluster, reference) is { } s) services.Add(state.Describe(s, tags));
                else failures.Add(new Failure(reference.StartsWith("arn:", StringComparison.Ordinal) ? reference
                    : $"arn:aws:ecs:{state.Region}:{state.Account}:service/{cluster.Name}/{reference}", "MISSING"));
            }
        }
        return Task.FromResult<object>(new DescribeServicesResponse(services, failures));
    }

    public Task<object> UpdateServiceAsync(JsonElement input, CancellationToken ct)
    {
        var request = AwsJson.Read<UpdateServiceRequest>(input);
        var reference = request.Service ?? throw EcsErrors.Missing("service");
        if (request.DesiredCount < 0) throw EcsErrors.InvalidParameter("Desired count must be greater than or equal to 0.");
        lock (state.Gate)
        {
            var cluster = state.Cluster(request.Cluster);
            var service = state.FindService(cluster, reference) ?? throw EcsErrors.ServiceNotFound();
            var definition = request.TaskDefinition is null ? null : ActiveDefinition(request.TaskDefinition);
            service.DeploymentConfiguration = Merge(service.DeploymentConfiguration, request.DeploymentConfiguration);
            if (request.HealthCheckGracePeriodSeconds is { } grace) service.HealthCheckGracePeriodSeconds = grace;
            if (request.DesiredCount is { } desired)
            {
                service.DesiredCount = desired;
                if (service.Deployments.FirstOrDefault() is { } primary) { primary.DesiredCount = desired; primary.UpdatedAt = state.Now; }
            }
            if ((definition is not null && definition != service.TaskDefinitionArn) || request.ForceNewDeployment == true)
                state.StartDeployment(service, definition ?? service.TaskDefinitionArn);
            return Task.FromResult<object>(new UpdateServiceResponse(state.Describe(service, tags: false)));
        }
    }

    public Task<object> ListServicesAsync(JsonElement input, CancellationToken ct)
    {
        var request = AwsJson.Read<ListServicesRequest>(input);
        AwsServiceException.CheckEnum("launchType", request.LaunchType, "EC2", "FARGATE", "EXTERNAL");
        AwsServiceException.CheckEnum("schedulingStrategy", request.SchedulingStrategy, "REPLICA", "DAEMON");
        lock (state.Gate)
        {
            var cluster = state.Cluster(request.Cluster);
            // Every service here is EC2 and REPLICA (CreateService refuses the rest): another filter value matches none.
            var match = (request.LaunchType is null or "EC2") && (request.SchedulingStrategy is null or "REPLICA");
            var arns = match ? cluster.Services.Values.OrderBy(s => s.Name, StringComparer.Ordinal).Select(s => s.Arn).ToList() : [];
            var (page, next) = EcsPaging.Page(arns, request.NextToken, request.MaxResults, pageSize: 10);
            return Task.FromResult<object>(new ListServicesResponse(page, next));
        }
    }

    private string ActiveDefinition(string reference)
    {
        var definition = state.TaskDefinitions.Find(reference) ?? throw EcsErrors.Client("TaskDefinition not found.");
        if (definition["status"]!.GetValue<string>() != "ACTIVE") throw EcsErrors.Client("TaskDefinition is inactive");
        return definition["taskDefinitionArn"]!.GetValue<string>();
    }

    /// <summary>Members the request names replace the current ones; the rest stay (as UpdateService does).</summary>
    public static DeploymentConfiguration Merge(DeploymentConfiguration current, DeploymentConfiguration? update)
    {
        var merged = new DeploymentConfiguration(
            update?.DeploymentCircuitBreaker ?? current.DeploymentCircuitBreaker,
            update?.MaximumPercent ?? current.MaximumPercent,
            update?.MinimumHealthyPercent ?? current.MinimumHealthyPercent);
        if (merged.MinimumHealthyPercent is < 0 or > 100)
            throw EcsErrors.InvalidParameter("minimumHealthyPercent must be between 0 and 100.");
        if (merged.MaximumPercent is < 100)
            throw EcsErrors.InvalidParameter("maximumPercent must be at least 100 for a service with the rolling update (ECS) deployment controller.");
        return merged;
    }
}
