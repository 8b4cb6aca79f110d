using System.Text.Json.Nodes;
using Pipeline.Aws;
using Pipeline.Aws.Ecs;
using Pipeline.Cli;
using Pipeline.Docker;
using Pipeline.Registry;

namespace Pipeline.Production;

/// <summary>
/// DeployProduction: a new task-definition revision with only the app's image changed, then UpdateService, then
/// the verdict from that deployment's rolloutState. A failure is rolled back (unless ECS already did it), the
/// rollback is waited for and confirmed, and the diagnostics are printed. A success moves `latest` and prunes.
/// </summary>
public sealed class DeployProductionStage(StageContext context) : IStage
{
    private ProductionSettings Production => ProductionSettings.From(context.Settings);

    private string NewImage => $"{context.Settings.Images.RegistryRepository}:{PublishSettings.From(context.Settings).Tag}";

    public IEnumerable<string> Describe()
    {
        var production = Production;
        var ecs = context.Aws.Ecs;
        yield return $"read service {production.Service} in cluster {production.Cluster}: " +
                     AwsJsonClient.Describe(ecs.Endpoint, "DescribeServices", new DescribeServicesRequest(production.Cluster, [production.Service]));
        var (clone, error) = TryPlanClone(ecs, production);
        if (clone is null)
        {
            yield return $"(the current task definition could not be read for the diff: {error})";
        }
        else
        {
            yield return "task-definition diff (every other member is copied as it is):";
            foreach (var change in clone.Changes) yield return $"  container {change.Container}: image {change.OldImage} -> {change.NewImage}";
            foreach (var unknown in clone.UnknownMembers) yield return $"  warning: member '{unknown}' is not in the API model this pipeline knows; it would not be carried over";
            yield return "register it: " + RegisterRequestDisplay.Describe(ecs.Endpoint, clone.Request);
        }
        yield return $"update the service: UpdateService {{cluster: {production.Cluster}, service: {production.Service}, taskDefinition: <the new revision>}}";
        yield return $"wait up to {production.DeployTimeout.TotalSeconds:0} s for that deployment's rolloutState; on FAILED or timeout, roll back to the current revision and wait for it";
        foreach (var line in new ImagePublisher(context).Describe(context.Settings.Images.Release, "latest")) yield return "on success, " + line;
        yield return $"on success, deregister revisions beyond the newest {production.KeepRevisions} (never the new one or the one it replaces)";
    }

    public async Task RunAsync(CancellationToken cancellation)
    {
        var production = Production;
        var ecs = context.Aws.Ecs;
        var (service, current) = await PreflightAsync(ecs, production, cancellation);
        var previousArn = service.TaskDefinition!;
        var previousSteady = service.Deployments?.FirstOrDefault(d => d.Status == "PRIMARY")?.RolloutState is null or "COMPLETED";

        var clone = TaskDefinitionClone.Clone(current.TaskDefinition!, current.Tags, IsAppContainer(production), NewImage);
        foreach (var unknown in clone.UnknownMembers)
            Log.Warn($"task definition member '{unknown}' is not in the API model this pipeline knows, so it is not carried over");
        foreach (var change in clone.Changes) Log.Note($"container {change.Container}: {change.OldImage} -> {change.NewImage}");

        var registered = await ecs.RegisterTaskDefinitionAsync(clone.Request, cancellation);
        var newArn = registered.TaskDefinition?["taskDefinitionArn"]?.GetValue<string>()
            ?? throw new PipelineException("ECS RegisterTaskDefinition returned no ARN", "Retry; check the task definition in the ECS console.");
        Log.Note($"registered {TaskDefinitionArn.Short(newArn)} (was {TaskDefinitionArn.Short(previousArn)})");

        var started = DateTimeOffset.UtcNow;
        // From the UpdateService call on, the service may be changing: nothing that cancels the run (Ctrl-C, a CI
        // cancel's SIGINT/SIGTERM) may leave it on the new revision unwatched. The call is not abandoned half-way,
        // and a cancel or a lost watch afterwards rolls back on the rollback's own budget, not the run's token.
        using var rollbackBudget = new CancellationTokenSource(production.RollbackTimeout + CallMargin);
        var updated = await ecs.UpdateServiceAsync(production.Cluster, production.Service, newArn, rollbackBudget.Token);
        var deployment = updated.Deployments?.FirstOrDefault(d => d.Status == "PRIMARY" && d.TaskDefinition == newArn)
            ?? throw new PipelineException($"UpdateService started no deployment of {TaskDefinitionArn.Short(newArn)}", "Look at the service's deployments in the ECS console.");
        Log.Step($"Waiting for deployment {deployment.Id} of {TaskDefinitionArn.Short(newArn)} (up to {production.DeployTimeout.TotalSeconds:0} s)");

        var watch = new DeploymentWatch(ecs, production.Cluster, production.Service, started);
        var target = new RollbackTarget(previousArn, previousSteady);
        DeploymentVerdict verdict;
        try
        {
            verdict = await watch.WaitAsync(deployment.Id!, production.DeployTimeout, cancellation);
        }
        catch (Exception e) when (e is OperationCanceledException or PipelineException or HttpRequestException or TimeoutException)
        {
            var why = e is OperationCanceledException ? "the run was cancelled" : $"the deployment could not be followed ({e.Message})";
            Log.Error($"{why} while deployment {deployment.Id} was in progress: rolling back");
            var state = await RollBackAsync(ecs, production, watch, deployment.Id!, newArn, target, rollbackBudget.Token);
            RunSummary.Add($"production: {TaskDefinitionArn.Short(newArn)} not finished ({why}); {state}");
            if (e is OperationCanceledException) throw;
            throw new PipelineException($"Deployment of {TaskDefinitionArn.Short(newArn)} could not be followed; {state}",
                "Check the service in the ECS console, then deploy again.", e.Message, e);
        }
        if (verdict.Outcome != DeploymentWatch.Outcome.Completed)
            await FailAsync(ecs, production, watch, verdict, deployment.Id!, newArn, target, rollbackBudget.Token);

        Log.Note($"deployment {deployment.Id} {verdict.Describe()}");
        RunSummary.Add($"production: {production.Service} on {production.Cluster} runs {TaskDefinitionArn.Short(newArn)} ({NewImage}), deployment {verdict.Describe()}");

        var latest = await new ImagePublisher(context).PublishAsync(context.Settings.Images.Release, "latest", tagMayMove: true, cancellation);
        RunSummary.Add($"latest: {latest.Reference} @ {latest.Digest}");
        await TaskDefinitionPruner.PruneAsync(ecs, TaskDefinitionArn.Family(newArn), production.KeepRevisions, [newArn, previousArn], cancellation);
    }

    // Time for the calls around the rollback's wait (UpdateService, the reads, the diagnostics).
    private static readonly TimeSpan CallMargin = TimeSpan.FromMinutes(1);

    /// <summary>The revision a failed deploy goes back to, and whether it was known good (COMPLETED) when the deploy began.</summary>
    private sealed record RollbackTarget(string Arn, bool WasSteady)
    {
        public string Describe() => WasSteady
            ? $"the last good revision {TaskDefinitionArn.Short(Arn)}"
            : $"{TaskDefinitionArn.Short(Arn)}, which was itself still being deployed when this deploy began (not a known-good revision)";
    }

    /// <summary>Cluster, service and its task definition, all checked before anything is registered.</summary>
    private static async Task<(EcsService Service, DescribeTaskDefinitionResponse Current)> PreflightAsync(
        EcsClient ecs, ProductionSettings production, CancellationToken cancellation)
    {
        if (await ecs.FindClusterAsync(production.Cluster, cancellation) is null)
            throw new PipelineException($"ECS cluster {production.Cluster} does not exist (in {ecs.Endpoint.Region})", "Check ECS_CLUSTER and AWS_REGION.");
        var service = await ecs.FindServiceAsync(production.Cluster, production.Service, cancellation)
            ?? throw new PipelineException($"ECS service {production.Service} does not exist in cluster {production.Cluster}", "Check ECS_SERVICE (it defaults to the repository name).");
        if (service.TaskDefinition is null)
            throw new PipelineException($"ECS service {production.Service} has no task definition", "Look at the service in the ECS console.");
        if (service.Deployments?.Any(d => d.Status == "PRIMARY" && d.RolloutState == "IN_PROGRESS") == true)
            Log.Warn($"service {production.Service} already has a deployment in progress; this one supersedes it");
        var current = await ecs.DescribeTaskDefinitionAsync(service.TaskDefinition, cancellation);
        if (current.TaskDefinition is null)
            throw new PipelineException($"Task definition {service.TaskDefinition} could not be read", "Check the service's task definition in the ECS console.");
        return (service, current);
    }

    private async Task FailAsync(
        EcsClient ecs, ProductionSettings production, DeploymentWatch watch, DeploymentVerdict verdict,
        string deploymentId, string newArn, RollbackTarget target, CancellationToken budget)
    {
        Log.Error($"deployment {deploymentId} {verdict.Describe()}");
        var rollback = await RollBackAsync(ecs, production, watch, deploymentId, newArn, target, budget);
        await DeploymentDiagnostics.PrintAsync(ecs, production.Cluster, production.Service, newArn, watch.Events, budget);
        RunSummary.Add($"production: {TaskDefinitionArn.Short(newArn)} failed ({verdict.Describe()}); {rollback}");
        throw new PipelineException(
            $"Deployment of {TaskDefinitionArn.Short(newArn)} {verdict.Describe()}; {rollback}",
            "Read the diagnostics above (stopped tasks, exit codes, events), fix the image, and deploy again.");
    }

    /// <summary>
    /// Rolls back unless ECS's circuit breaker already did, waits for it on its own budget, and says what state the
    /// service is in. Never throws for a failed read: the answer is then that the service needs attention.
    /// </summary>
    private static async Task<string> RollBackAsync(
        EcsClient ecs, ProductionSettings production, DeploymentWatch watch, string failedId, string newArn, RollbackTarget target,
        CancellationToken budget)
    {
        try
        {
            var service = await watch.CurrentAsync(budget);
            var byEcs = service.Deployments?.FirstOrDefault(d => d.Status == "PRIMARY" && d.Id != failedId && d.TaskDefinition != newArn);
            string rollbackId;
            if (byEcs is not null)
            {
                Log.Step($"ECS is rolling back to {TaskDefinitionArn.Short(byEcs.TaskDefinition!)} (deployment {byEcs.Id}); waiting for it");
                rollbackId = byEcs.Id!;
            }
            else
            {
                Log.Step($"Rolling back to {target.Describe()}");
                var updated = await ecs.UpdateServiceAsync(production.Cluster, production.Service, target.Arn, budget);
                rollbackId = updated.Deployments?.FirstOrDefault(d => d.Status == "PRIMARY" && d.TaskDefinition == target.Arn)?.Id
                    ?? throw new PipelineException($"The rollback to {TaskDefinitionArn.Short(target.Arn)} started no deployment", "Roll back by hand in the ECS console.");
            }
            var verdict = await watch.WaitAsync(rollbackId, production.RollbackTimeout, budget);
            var back = verdict.Deployment?.TaskDefinition ?? target.Arn;
            var described = back == target.Arn ? target.Describe() : TaskDefinitionArn.Short(back);
            if (verdict.Outcome == DeploymentWatch.Outcome.Completed)
            {
                Log.Note($"rollback confirmed: the service is back on {described} (deployment {rollbackId} COMPLETED)");
                return $"rolled back to {described} (confirmed: deployment {rollbackId} COMPLETED)";
            }
            Log.Error($"rollback deployment {rollbackId} {verdict.Describe()}");
            return $"the rollback to {described} did not complete ({verdict.Describe()}): the service needs attention";
        }
        catch (Exception e) when (e is OperationCanceledException or PipelineException or HttpRequestException or TimeoutException)
        {
            Log.Error($"the rollback could not be completed or confirmed: {e.Message}");
            return $"the rollback to {target.Describe()} could not be confirmed ({e.Message}): the service needs attention";
        }
    }

    private Func<JsonObject, bool> IsAppContainer(ProductionSettings production)
    {
        if (production.Containers.Count > 0)
            return container => production.Containers.Contains(container["name"]?.GetValue<string>() ?? "");
        var repository = context.Settings.Images.Repository;
        return container => container["image"]?.GetValue<string>() is { } image
                            && ImageReference.Parse(image).Repository is var path
                            && (path == repository || path.EndsWith("/" + repository, StringComparison.Ordinal));
    }

    private (TaskDefinitionClone.Result? Clone, string? Error) TryPlanClone(EcsClient ecs, ProductionSettings production)
    {
        try
        {
            // A dry run may read (the diff needs the current definition) but never changes anything.
            var service = ecs.FindServiceAsync(production.Cluster, production.Service, CancellationToken.None).GetAwaiter().GetResult()
                ?? throw new PipelineException($"service {production.Service} not found in {production.Cluster}", "");
            var current = ecs.DescribeTaskDefinitionAsync(service.TaskDefinition!, CancellationToken.None).GetAwaiter().GetResult();
            return (TaskDefinitionClone.Clone(current.TaskDefinition!, current.Tags, IsAppContainer(production), NewImage), null);
        }
        catch (Exception e) when (e is PipelineException or HttpRequestException or TimeoutException)
        {
            return (null, e.Message);
        }
    }
}
