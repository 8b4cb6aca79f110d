using System.Text.Json.Nodes;
using AwsEndpoint.Ecs.Engine;

namespace AwsEndpoint.Ecs;

/// <summary>The scheduler's decisions, made under the state's lock and without I/O: what an observed container
/// means for its task (exited, unhealthy, healthy), what counts against the circuit breaker, when a deployment
/// fails (and rolls back) or completes, which tasks to launch and which to stop. Engine work comes back as actions
/// (<paramref name="launch"/>, <paramref name="finishStop"/>) that the scheduler runs after releasing the lock.</summary>
public sealed class ServiceRules(EcsState state, EcsSettings settings, Func<TaskState, Task> launch, Func<TaskState, Task> finishStop)
{
    public void Observe(TaskState task, List<(TaskContainerState Container, ContainerObservation Seen)> observed, List<Func<Task>> actions)
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
            task.Service.Throttle.Reset();
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

    /// <summary>A task that fails to start, exits or turns unhealthy while its deployment is rolling out counts against
    /// the circuit breaker (its stage 1 counts tasks that never reach RUNNING, stage 2 those that fail after); one
    /// that fails to start also slows the service's launches down.</summary>
    public void Fail(TaskState task, string reason, string stopCode, List<Func<Task>> actions)
    {
        if (task.Deployment.RolloutState == "IN_PROGRESS" && task.Deployment.Status != "INACTIVE")
        {
            task.Deployment.FailedTasks++;
            task.Deployment.UpdatedAt = state.Now;
        }
        if (stopCode == "TaskFailedToStart" && task.Service.Throttle.TaskFailedToStart(task.CreatedAt, state.Now, settings.LaunchBackoff, settings.LaunchBackoffCap))
            state.AddEvent(task.Service, "is unable to consistently start tasks successfully.");
        actions.Add(BeginStop(task, reason, stopCode));
    }

    private bool Healthy(TaskState t) =>
        !t.Busy && t.LastStatus == "RUNNING" && t.DesiredStatus == "RUNNING" &&
        (t.Containers.Any(c => c.Essential && c.HasHealthCheck)
            ? t.HealthStatus == "HEALTHY"
            : t.StartedAt is { } started && state.Now - started >= settings.HealthGrace);

    public void Decide(ServiceState service, List<Func<Task>> actions)
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
        // While throttled, nothing is launched, and no old task is stopped to make room for a launch.
        if (need > 0 && service.Throttle.Allows(state.Now))
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
        actions.Add(() => launch(task));
        return task;
    }

    /// <summary>Marks the task as stopping (so no one else acts on it) and returns the engine work that stops it.</summary>
    public Func<Task> BeginStop(TaskState task, string reason, string stopCode)
    {
        task.DesiredStatus = "STOPPED";
        task.StoppingAt ??= state.Now;
        task.StoppedReason ??= reason;
        task.StopCode ??= stopCode;
        if (task.Busy) return () => Task.CompletedTask; // a launch in flight finishes the stop itself
        task.Busy = true;
        return () => finishStop(task);
    }

    public void TrimStopped()
    {
        foreach (var group in state.Tasks.Values.Where(t => t.Stopped).GroupBy(t => t.Service))
            foreach (var old in group.OrderByDescending(t => t.StoppedAt).Skip(settings.StoppedTasksKept).ToList())
                state.Tasks.Remove(old.Id);
    }
}
