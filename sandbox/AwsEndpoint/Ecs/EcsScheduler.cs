using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using AwsEndpoint.Ecs.Engine;

namespace AwsEndpoint.Ecs;

/// <summary>The service scheduler: one loop, one pass per tick. A pass inspects every running task's containers,
/// then, under the state's lock, lets <see cref="ServiceRules"/> decide (exits, health, circuit breaker, rollback,
/// launches, stops, completion); engine calls (pull, create, start, stop) run after the lock is released, as jobs
/// that mark their task busy until they finish. On start and at shutdown it removes the task containers and
/// networks of this endpoint (same state dir): tasks do not outlive the process that knows about them.</summary>
public sealed class EcsScheduler(EcsState state, TaskEngine engine, EcsSettings settings, string instance, ILogger<EcsScheduler> log)
    : BackgroundService
{
    private readonly ConcurrentDictionary<Task, byte> _jobs = new();
    private ServiceRules? _rules;
    private ServiceRules Rules => _rules ??= new ServiceRules(state, settings, LaunchAsync, FinishStopAsync);

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
                if (!task.Busy && task.DesiredStatus == "RUNNING") Rules.Observe(task, observed, actions);
            foreach (var service in state.Clusters.Values.SelectMany(c => c.Services.Values).ToList()) Rules.Decide(service, actions);
            Rules.TrimStopped();
        }
        foreach (var action in actions) Track(action());
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
                Rules.Fail(task, $"{stage}: {e.Message}", "TaskFailedToStart", actions);
            }
            foreach (var action in actions) await action();
        }
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
