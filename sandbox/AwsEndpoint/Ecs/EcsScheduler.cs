using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using AwsEndpoint.Ecs.Engine;

namespace AwsEndpoint.Ecs;

/// <summary>The service scheduler: one loop, one pass per tick. A pass observes every running task's containers,
/// records exits and health, counts failures against the PRIMARY deployment, trips the circuit breaker (and rolls
/// back), launches and stops tasks, and completes deployments. Decisions are made under the state's lock; engine
/// calls (pull, create, start, stop) run outside it as jobs that mark their task busy until they finish.</summary>
public sealed class EcsScheduler(EcsState state, TaskEngine engine, EcsSettings settings, string instance, ILogger<EcsScheduler> log)
    : BackgroundService
{
    private readonly ConcurrentDictionary<Task, byte> _jobs = new();

    public override async Task StartAsync(CancellationToken ct)
    {
        await RemoveLeftoversAsync("from a previous run", ct);
        await base.StartAsync(ct);
    }

    public override async Task StopAsync(CancellationToken ct)
    {
        await base.StopAsync(ct);
        await Task.WhenAny(Task.WhenAll(_jobs.Keys), Task.Delay(TimeSpan.FromSeconds(15), CancellationToken.None));
        await RemoveLeftoversAsync("at shutdown", CancellationToken.None);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(settings.Tick);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            try { await PassAsync(stoppingToken); }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested) { break; }
            catch (Exception e) { log.LogWarning("ECS scheduler pass failed: {Type}: {Message}", e.GetType().Name, e.Message); }
        }
    }

    /// <summary>One scheduler pass; tests may call it directly.</summary>
    public async Task PassAsync(CancellationToken ct)
    {
        List<(TaskState Task, List<(TaskContainerState Container, string Id)> Containers)> watch;
        lock (state.Gate)
        {
            watch = state.Tasks.Values.Where(t => !t.Busy && !t.Stopped && t.DesiredStatus == "RUNNING" && t.Containers.All(c => c.DockerId is not null))
                .Select(t => (t, t.Containers.Select(c => (c, c.DockerId!)).ToList())).ToList();
        }
        var seen = new List<(TaskState, List<(TaskContainerState, ContainerObservation)>)>();
        foreach (var (task, containers) in watch)
        {
            var observed = new List<(TaskContainerState, ContainerObservation)>();
            foreach (var (container, id) in containers) observed.Add((container, await engine.InspectAsync(id, ct)));
            seen.Add((task, observed));
        }
        var actions = new List<Func<Task>>();
        lock (state.Gate)
        {
            foreach (var (task, observed) in seen)
                if (!task.Busy && task.DesiredStatus == "RUNNING") Observe(task, observed, actions);
            foreach (var service in state.Clusters.Values.SelectMany(c => c.Services.Values).ToList()) Decide(service, actions);
            TrimStopped();
        }
        foreach (var action in actions) Track(action());
    }

    private void Observe(TaskState task, List<(TaskContainerState Container, ContainerObservation Seen)> observed, List<Func<Task>> actions)
    {
        foreach (var (c, seen) in observed)
        {
            if (seen.Running)
            {
                c.LastStatus = "RUNNING";
                c.HealthStatus = seen.Health switch { "healthy" => "HEALTHY", "unhealthy" => "UNHEALTHY", _ => "UNKNOWN" };
                c.NetworkBindings = seen.Ports.Select(p => new Shapes.NetworkBinding("127.0.0.1", p.ContainerPort, p.HostPort, p.Protocol)).ToList();
            }
            else
            {
                c.LastStatus = "STOPPED";
                c.ExitCode = seen.ExitCode;
                c.Reason = seen.OomKilled ? "OutOfMemoryError: Container killed due to memory usage" : seen.Error;
            }
        }
        if (task.LastStatus != "RUNNING" && task.Containers.All(c => c.LastStatus == "RUNNING"))
        {
            task.LastStatus = "RUNNING";
            task.StartedAt = observed.Max(o => o.Seen.StartedAt) ?? state.Now;
        }
        var withHealth = task.Containers.Where(c => c.Essential && c.HasHealthCheck).ToList();
        if (task.Containers.Any(c => c.Essential && c.LastStatus == "STOPPED"))
            Fail(task, "Essential container in task exited", "EssentialContainerExited", actions);
        else if (withHealth.Any(c => c.HealthStatus == "UNHEALTHY"))
        {
            task.HealthStatus = "UNHEALTHY";
            state.AddEvent(task.Service, $"(task {task.Id}) failed container health checks.");
            Fail(task, "Task failed container health checks", "ServiceSchedulerInitiated", actions);
        }
        else task.HealthStatus = withHealth.Count > 0 && withHealth.All(c => c.HealthStatus == "HEALTHY") ? "HEALTHY" : "UNKNOWN";
    }

    /// <summary>A task that exits or turns unhealthy while its deployment is rolling out counts against the circuit breaker.</summary>
    private void Fail(TaskState task, string reason, string stopCode, List<Func<Task>> actions)
    {
        if (task.Deployment.RolloutState == "IN_PROGRESS" && task.Deployment.Status != "INACTIVE")
        {
            task.Deployment.FailedTasks++;
            task.Deployment.UpdatedAt = state.Now;
        }
        actions.Add(BeginStop(task, reason, stopCode));
    }

    private bool Healthy(TaskState t) =>
        !t.Busy && t.LastStatus == "RUNNING" && t.DesiredStatus == "RUNNING" &&
        (t.Containers.Any(c => c.Essential && c.HasHealthCheck)
            ? t.HealthStatus == "HEALTHY"
            : t.StartedAt is { } started && state.Now - started >= settings.HealthGrace);

    private void Decide(ServiceState service, List<Func<Task>> actions)
    {
        if (service.Deployments.Count == 0) return;
        var primary = service.Deployments[0];
        var breaker = service.DeploymentConfiguration.DeploymentCircuitBreaker;
        if (primary.RolloutState == "IN_PROGRESS" && breaker?.Enable == true && primary.FailedTasks >= DeploymentRules.FailureThreshold(primary.DesiredCount))
        {
            primary.RolloutState = "FAILED";
            primary.RolloutStateReason = "ECS deployment circuit breaker: tasks failed to start.";
            primary.UpdatedAt = state.Now;
            state.AddEvent(service, $"(deployment {primary.Id}) deployment failed: tasks failed to start.");
            if (breaker.Rollback && service.LastCompleted is { } good && good != primary)
            {
                state.AddEvent(service, $"rolling back to deployment {good.Id}.");
                // AWS: the rollback target is IN_PROGRESS again, not eligible for another rollback until it completes.
                service.LastCompleted = null;
                primary = state.StartDeployment(service, good.TaskDefinitionArn, $"ECS deployment circuit breaker: rolling back to deploymentId {good.Id}.");
            }
        }
        // A failed deployment with nothing to roll back to is stalled: ECS launches no more of its tasks.
        if (primary.RolloutState == "FAILED") return;

        var live = state.TasksOf(service).Where(t => t.Live).ToList();
        var mine = live.Where(t => t.Deployment == primary).ToList();
        var scaling = $"Scaling activity initiated by (deployment {primary.Id})";
        var need = primary.DesiredCount - mine.Count;
        if (need > 0)
        {
            var config = service.DeploymentConfiguration;
            var room = DeploymentRules.MaximumTasks(primary.DesiredCount, config.MaximumPercent) - live.Count;
            if (room < need)
            {
                // No room under maximumPercent: stop old tasks first, unhealthy ones before healthy ones, as long as
                // minimumHealthyPercent still holds.
                var healthy = live.Count(Healthy);
                var floor = DeploymentRules.MinimumHealthyTasks(primary.DesiredCount, config.MinimumHealthyPercent);
                var stopped = new List<TaskState>();
                foreach (var old in live.Where(t => t.Deployment != primary && !t.Busy).OrderBy(Healthy))
                {
                    if (room >= need) break;
                    var wasHealthy = Healthy(old);
                    if (wasHealthy && healthy - 1 < floor) break;
                    stopped.Add(old);
                    actions.Add(BeginStop(old, scaling, "ServiceSchedulerInitiated"));
                    room++;
                    if (wasHealthy) healthy--;
                }
                if (stopped.Count > 0) state.AddEvent(service, $"has stopped {stopped.Count} running tasks: {string.Join(" ", stopped.Select(t => $"(task {t.Id})"))}.");
            }
            var launched = new List<TaskState>();
            for (var i = 0; i < Math.Min(need, room); i++) launched.Add(NewTask(service, primary, actions));
            if (launched.Count > 0) state.AddEvent(service, $"has started {launched.Count} tasks: {string.Join(" ", launched.Select(t => $"(task {t.Id})"))}.");
        }
        else if (need < 0)
        {
            var extra = mine.Where(t => !t.Busy).OrderBy(Healthy).Take(-need).ToList();
            foreach (var t in extra) actions.Add(BeginStop(t, scaling, "ServiceSchedulerInitiated"));
            if (extra.Count > 0) state.AddEvent(service, $"has stopped {extra.Count} running tasks: {string.Join(" ", extra.Select(t => $"(task {t.Id})"))}.");
        }

        if (need > 0 || mine.Count(Healthy) < primary.DesiredCount) return;
        var others = live.Where(t => t.Deployment != primary && !t.Busy).ToList();
        foreach (var t in others) actions.Add(BeginStop(t, scaling, "ServiceSchedulerInitiated"));
        if (others.Count > 0) state.AddEvent(service, $"has stopped {others.Count} running tasks: {string.Join(" ", others.Select(t => $"(task {t.Id})"))}.");
        // Complete only once the old tasks have really stopped (not just been told to), as ECS does.
        if (state.TasksOf(service).Any(t => t.Deployment != primary && !t.Stopped)) return;
        foreach (var d in service.Deployments.Where(d => d != primary && d.Status != "INACTIVE"))
        {
            d.Status = "INACTIVE";
            d.UpdatedAt = state.Now;
        }
        if (primary.RolloutState != "IN_PROGRESS") return;
        primary.RolloutState = "COMPLETED";
        primary.RolloutStateReason = $"ECS deployment {primary.Id} completed.";
        primary.UpdatedAt = state.Now;
        service.LastCompleted = primary;
        state.AddEvent(service, $"(deployment {primary.Id}) deployment completed.");
        state.AddEvent(service, "has reached a steady state.");
    }

    private TaskState NewTask(ServiceState service, DeploymentState deployment, List<Func<Task>> actions)
    {
        var id = EcsState.NewTaskId();
        var arn = $"arn:aws:ecs:{state.Region}:{state.Account}:task/{service.Cluster.Name}/{id}";
        var definition = state.TaskDefinitions.Find(deployment.TaskDefinitionArn)!;
        var task = new TaskState(id, arn, service, deployment, (JsonObject)definition.DeepClone(), state.Now) { Busy = true };
        foreach (var c in ((JsonArray)task.TaskDefinition["containerDefinitions"]!).Cast<JsonObject>())
        {
            task.Containers.Add(new TaskContainerState(c["name"]!.GetValue<string>(), c["image"]!.GetValue<string>(),
                c["essential"] is not JsonValue e || e.ToJsonString() != "false", c.ContainsKey("healthCheck"))
            {
                Arn = $"arn:aws:ecs:{state.Region}:{state.Account}:container/{service.Cluster.Name}/{id}/{Guid.NewGuid()}",
            });
        }
        state.Tasks[id] = task;
        actions.Add(() => LaunchAsync(task));
        return task;
    }

    private async Task LaunchAsync(TaskState task)
    {
        var network = EcsSettings.NetworkName(task.Service.Cluster.Name);
        var identity = new TaskIdentity(instance, task.Service.Cluster.Name, task.Service.Name, task.Id, task.Arn);
        var definitions = ((JsonArray)task.TaskDefinition["containerDefinitions"]!).Cast<JsonObject>().ToList();
        var stage = "CannotPullContainerError";
        try
        {
            await engine.EnsureNetworkAsync(network, new Dictionary<string, string>
            {
                ["pipeline.sandbox"] = "true", [TaskContainerSpec.InstanceLabel] = instance, ["pipeline.ecs.cluster"] = task.Service.Cluster.Name,
            }, CancellationToken.None);
            lock (state.Gate) { task.LastStatus = "PENDING"; task.PullStartedAt = state.Now; }
            foreach (var image in definitions.Select(d => d["image"]!.GetValue<string>()).Distinct()) await engine.PullAsync(image, CancellationToken.None);
            lock (state.Gate) task.PullStoppedAt = state.Now;
            stage = "CannotCreateContainerError";
            for (var i = 0; i < definitions.Count; i++)
            {
                var id = await engine.CreateAsync(TaskContainerSpec.ContainerName(task.TaskDefinition, task.Containers[i].Name, task.Id),
                    TaskContainerSpec.CreateBody(task.TaskDefinition, definitions[i], identity, network), CancellationToken.None);
                lock (state.Gate) task.Containers[i].DockerId = id;
            }
            stage = "CannotStartContainerError";
            foreach (var c in task.Containers) await engine.StartAsync(c.DockerId!, CancellationToken.None);
            bool stopNow;
            lock (state.Gate)
            {
                task.Busy = false;
                // Stopped while it was starting (scale-in, a newer deployment): stop it now.
                stopNow = task.DesiredStatus == "STOPPED";
            }
            if (stopNow) await FinishStopAsync(task);
        }
        catch (Exception e)
        {
            log.LogWarning("ECS task {Task} of {Service} failed to start: {Stage}: {Message}", task.Id, task.Service.Name, stage, e.Message);
            var actions = new List<Func<Task>>();
            lock (state.Gate)
            {
                foreach (var c in task.Containers.Where(c => c.DockerId is null)) c.Reason = $"{stage}: {e.Message}";
                task.Busy = false;
                task.LastStatus = task.LastStatus == "PROVISIONING" ? "PROVISIONING" : "PENDING";
                Fail(task, $"{stage}: {e.Message}", "TaskFailedToStart", actions);
            }
            foreach (var action in actions) await action();
        }
    }

    /// <summary>Marks the task as stopping (so no one else acts on it) and returns the engine work that stops it.</summary>
    private Func<Task> BeginStop(TaskState task, string reason, string stopCode)
    {
        task.DesiredStatus = "STOPPED";
        task.StoppingAt ??= state.Now;
        task.StoppedReason ??= reason;
        task.StopCode ??= stopCode;
        if (task.Busy) return () => Task.CompletedTask; // a launch in flight finishes the stop itself
        task.Busy = true;
        return () => FinishStopAsync(task);
    }

    private async Task FinishStopAsync(TaskState task)
    {
        List<(TaskContainerState Container, string Id, TimeSpan Grace)> containers;
        lock (state.Gate)
        {
            task.Busy = true;
            containers = task.Containers.Where(c => c.DockerId is not null).Select(c => (c, c.DockerId!, StopGrace(task, c.Name))).ToList();
        }
        foreach (var (container, id, grace) in containers)
        {
            try
            {
                await engine.StopAsync(id, grace, CancellationToken.None);
                var seen = await engine.InspectAsync(id, CancellationToken.None);
                lock (state.Gate)
                {
                    container.ExitCode ??= seen.ExitCode;
                    if (seen.OomKilled) container.Reason ??= "OutOfMemoryError: Container killed due to memory usage";
                }
                await engine.RemoveAsync(id, CancellationToken.None);
            }
            catch (EngineException e) { log.LogWarning("stopping container {Id} of ECS task {Task}: {Message}", id[..12], task.Id, e.Message); }
        }
        lock (state.Gate)
        {
            foreach (var c in task.Containers)
            {
                c.LastStatus = "STOPPED";
                c.HealthStatus = c.HasHealthCheck ? c.HealthStatus : "UNKNOWN";
                c.NetworkBindings = [];
            }
            task.LastStatus = "STOPPED";
            task.StoppedAt = state.Now;
            task.Busy = false;
        }
    }

    private TimeSpan StopGrace(TaskState task, string container)
    {
        var definition = ((JsonArray)task.TaskDefinition["containerDefinitions"]!).Cast<JsonObject>().First(c => c["name"]!.GetValue<string>() == container);
        return definition["stopTimeout"] is JsonValue v && int.TryParse(v.ToJsonString(), out var s) ? TimeSpan.FromSeconds(s) : settings.StopGrace;
    }

    private void TrimStopped()
    {
        foreach (var group in state.Tasks.Values.Where(t => t.Stopped).GroupBy(t => t.Service))
            foreach (var old in group.OrderByDescending(t => t.StoppedAt).Skip(settings.StoppedTasksKept).ToList())
                state.Tasks.Remove(old.Id);
    }

    private void Track(Task job)
    {
        _jobs[job] = 0;
        job.ContinueWith(j =>
        {
            _jobs.TryRemove(j, out _);
            if (j.Exception is { } e) log.LogWarning("ECS task job failed: {Message}", e.GetBaseException().Message);
        }, TaskScheduler.Default);
    }

    /// <summary>Task containers and networks this endpoint (same state dir) left behind; an unreachable engine is
    /// logged, not fatal, so ECR keeps working without one.</summary>
    private async Task RemoveLeftoversAsync(string when, CancellationToken ct)
    {
        try
        {
            var label = $"{TaskContainerSpec.InstanceLabel}={instance}";
            var containers = await engine.ListByLabelAsync(label, ct);
            foreach (var id in containers) await engine.RemoveAsync(id, ct);
            var networks = await engine.NetworksByLabelAsync(label, ct);
            foreach (var id in networks)
            {
                try { await engine.RemoveNetworkAsync(id, ct); }
                catch (EngineException e) { log.LogInformation("ECS network {Network} kept: {Message}", id[..12], e.Message); }
            }
            if (containers.Count + networks.Count > 0)
                log.LogInformation("ECS: removed {Containers} task containers and {Networks} networks {When}", containers.Count, networks.Count, when);
        }
        catch (EngineException e)
        {
            log.LogWarning("ECS: could not clean up task containers {When}: {Message}", when, e.Message);
        }
    }
}
