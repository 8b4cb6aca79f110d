using Pipeline.Cli;
using Pipeline.Config;
using Pipeline.Docker;

namespace Pipeline.Deps;

/// <summary>
/// The dependency containers of one run: started from a <see cref="DepsPlan"/>, checked, given the schema,
/// found again by later stages, and removed.
/// </summary>
public sealed class DepsEnvironment(IDockerEngine docker, DepsPlan plan, DepsOptions options)
{
    // Cleanup runs after a Ctrl-C has cancelled the run's token, so it has its own limit instead.
    private static readonly TimeSpan CleanupLimit = TimeSpan.FromSeconds(60);
    private static readonly TimeSpan ImportLimit = TimeSpan.FromMinutes(5);

    public DepsPlan Plan => plan;

    /// <param name="schemaFiles">The schema file of each service that has one, by alias (<see cref="SchemaFile.LocateAll"/>).</param>
    public async Task StartAsync(IReadOnlyDictionary<string, string> schemaFiles, CancellationToken cancellation)
    {
        await RemoveStaleAsync(cancellation);
        var seeds = new SeededDatabase(docker);
        // A MySQL-family service with a schema can start from a snapshot of its first start (SeededDatabase).
        var started = new List<DependencyService>();
        var toSave = new List<(DependencyService Service, string Reference)>();
        foreach (var service in plan.Services)
        {
            if (service.IsMysql && schemaFiles.TryGetValue(service.Alias, out var schema))
            {
                var seed = await seeds.ChooseAsync(service.Image, schema, cancellation);
                started.Add(seed.Seed is null ? service : service with { Image = seed.Seed });
                if (seed.ToSave is not null) toSave.Add((service, seed.ToSave));
            }
            else
            {
                started.Add(service);
            }
        }
        await docker.Networks.CreateAsync(plan.Network, plan.Labels("network"), cancellation);
        Log.Note($"network {plan.Network}");
        await Task.WhenAll(started.Select(service => CreateAndStartAsync(service, cancellation)));

        var readiness = new Readiness(docker);
        await Task.WhenAll(started.Select(service => readiness.WaitAsync(service, options.Timeout, cancellation)));
        foreach (var service in plan.Services)
            if (schemaFiles.TryGetValue(service.Alias, out var schema)) await ImportSchemaAsync(service, schema, cancellation);
        foreach (var (service, reference) in toSave) await seeds.SaveAsync(service.ContainerName, reference, service.Image, cancellation);
    }

    public async Task ImportSchemaAsync(DependencyService service, string schemaFile, CancellationToken cancellation)
    {
        var container = service.ContainerName;
        await docker.Containers.CopyArchiveAsync(container, DepsPlan.SchemaDirectory,
            SchemaArchive.Create(schemaFile, DepsPlan.SchemaFileName), cancellation);
        var command = service.Schema?.Import is { } import
            ? import.Select(arg => arg == SchemaImport.FilePlaceholder ? DepsPlan.SchemaPath : arg).ToList()
            : MysqlClientCommand.Import(DepsPlan.SchemaPath);
        var result = await docker.Containers.ExecAsync(container, command, ImportLimit, cancellation);
        if (result.ExitCode != 0)
        {
            throw new PipelineException(
                $"Importing {schemaFile} into {container} failed (`{command[0]}` exit code {result.ExitCode})",
                "Fix the statement the client names below (or the service's schema \"import\" command), then run StartDeps again.",
                (result.Stderr + result.Stdout).Trim());
        }
        Log.Note($"imported {Path.GetFileName(schemaFile)} into {container}");
    }

    /// <summary>Removes this run's containers (dependencies and test) and network. Never throws.</summary>
    public async Task TeardownAsync()
    {
        using var limit = new CancellationTokenSource(CleanupLimit);
        try
        {
            var label = $"{DepsPlan.RunIdLabel}={plan.RunId}";
            var containers = await docker.Containers.ListByLabelAsync(label, limit.Token);
            await Task.WhenAll(containers.Select(c => docker.Containers.RemoveAsync(c.Id, limit.Token)));
            // A create cancelled by Ctrl-C may still have finished in the engine after the listing above.
            foreach (var service in plan.Services)
            {
                if (await docker.Containers.InspectAsync(service.ContainerName, limit.Token) is { } late &&
                    late.Labels.GetValueOrDefault(DepsPlan.RunIdLabel) == plan.RunId)
                    await docker.Containers.RemoveAsync(late.Id, limit.Token);
            }
            var networks = await docker.Networks.ListByLabelAsync(label, limit.Token);
            foreach (var network in networks) await docker.Networks.RemoveAsync(network.Id, limit.Token);
            Log.Note($"removed {containers.Count} container(s) and {networks.Count} network(s) of run {plan.RunId}");
        }
        catch (Exception e) when (e is PipelineException or OperationCanceledException)
        {
            Log.Warn($"could not remove everything of run {plan.RunId}: {e.Message}. " +
                $"Remove the rest with ./build.sh DepsDown (or sandbox/down.sh).");
        }
    }

    /// <summary>
    /// The network of the running dependencies (this run's, or ones a DepsUp left); fails when they are not running.
    /// With no services, it is this run's network, which StartDeps made.
    /// </summary>
    public async Task<string> FindNetworkAsync(CancellationToken cancellation)
    {
        if (plan.Services.Count == 0)
            return await docker.Networks.InspectAsync(plan.Network, cancellation) is not null ? plan.Network
                : throw new PipelineException(
                    $"This run's network {plan.Network} does not exist",
                    "Run StartDeps in the same run (don't --skip it): it makes the network the tests run on.");
        string? network = null;
        foreach (var service in plan.Services)
        {
            var details = await docker.Containers.InspectAsync(service.ContainerName, cancellation);
            if (details is not { State.Running: true })
            {
                throw new PipelineException(
                    $"{service.DisplayName} is not running (no running container {service.ContainerName})",
                    "Start the dependencies: run StartDeps in the same run (don't --skip it), or ./build.sh DepsUp first.");
            }
            network ??= details.NetworkAddresses.Keys.FirstOrDefault(n => n.StartsWith($"{plan.Naming.Prefix}-deps-"));
        }
        return network ?? throw new PipelineException(
            $"{plan.Services[0].ContainerName} is on no {plan.Naming.Prefix}-deps-* network",
            "Restart the dependencies: ./build.sh DepsDown DepsUp.");
    }

    /// <summary>Prints the last lines of each dependency's log, for a failed test run.</summary>
    public async Task PrintLogTailsAsync(int lines, CancellationToken cancellation)
    {
        foreach (var service in plan.Services)
        {
            Log.Step($"last {lines} lines of {service.ContainerName}:");
            try
            {
                var logs = await docker.Containers.LogsAsync(service.ContainerName, lines, cancellation);
                foreach (var line in (logs.Stdout + logs.Stderr).Split('\n', StringSplitOptions.RemoveEmptyEntries))
                    Log.Note(line.TrimEnd('\r'));
            }
            catch (PipelineException e)
            {
                Log.Note($"(its log could not be read: {e.Message})");
            }
        }
    }

    /// <summary>Every dependency container and network with this naming prefix, from any run.</summary>
    public static async Task<(int Containers, int Networks)> RemoveAllAsync(
        IDockerEngine docker, DepsNaming naming, CancellationToken cancellation)
    {
        var label = $"{DepsPlan.DepsLabel}={naming.Prefix}";
        var containers = await docker.Containers.ListByLabelAsync(label, cancellation);
        await Task.WhenAll(containers.Select(c => docker.Containers.RemoveAsync(c.Id, cancellation)));
        var networks = await docker.Networks.ListByLabelAsync(label, cancellation);
        foreach (var network in networks) await docker.Networks.RemoveAsync(network.Id, cancellation);
        return (containers.Count, networks.Count);
    }

    private async Task RemoveStaleAsync(CancellationToken cancellation)
    {
        var stale = (await Task.WhenAll(plan.Services.Select(async service =>
            await docker.Containers.InspectAsync(service.ContainerName, cancellation)))).OfType<ContainerDetails>().ToList();
        foreach (var container in stale)
        {
            if (RunOwner.FromLabels(container.Labels) is not { } owner) continue;
            var run = container.Labels.GetValueOrDefault(DepsPlan.RunIdLabel) ?? "unknown";
            // A running container of another machine's run may be in the middle of that run's tests: refuse
            // rather than guess. A stopped one is a leftover whatever machine made it.
            if (owner.IsOnAnotherMachine && container.State.Running)
                throw new PipelineException(
                    $"{container.Name} belongs to run {run} of another machine ({owner.Host}, pid {owner.Pid}, started {owner.ProcessStart}), and it is running",
                    "Another pipeline shares this Docker engine (a CI job in another container, say); replacing its services would break its tests. " +
                    "If that run is over, remove its containers with ./build.sh DepsDown and run again; if both must run at once, give them separate engines.");
            if (!owner.IsAnotherLiveRun()) continue;
            throw new PipelineException(
                $"{container.Name} belongs to run {run}, which is still running (pid {owner.Pid} on this machine, started {owner.ProcessStart})",
                "Another pipeline uses this engine's service containers (same names and ports); replacing them would break its tests. " +
                $"Wait until it ends (its containers go with it), or stop it (kill {owner.Pid}) and run again.");
        }
        await Task.WhenAll(stale.Select(container => docker.Containers.RemoveAsync(container.Id, cancellation)));
        foreach (var container in stale)
            Log.Note($"removed stale {container.Name} (run {container.Labels.GetValueOrDefault(DepsPlan.RunIdLabel) ?? "unknown"})");

        // Their networks are leftovers now, unless something else (a developer's shell) is still attached.
        var networks = stale.SelectMany(c => c.NetworkAddresses.Keys)
            .Where(n => n.StartsWith($"{plan.Naming.Prefix}-deps-")).Distinct();
        foreach (var name in networks)
        {
            try
            {
                await docker.Networks.RemoveAsync(name, cancellation);
            }
            catch (DockerApiException e) when (e.StatusCode == System.Net.HttpStatusCode.Forbidden)
            {
                Log.Note($"left network {name}: something is still attached ({e.EngineMessage})");
            }
        }
    }

    private async Task CreateAndStartAsync(DependencyService service, CancellationToken cancellation)
    {
        string id;
        try
        {
            id = await docker.Containers.CreateAsync(plan.CreateRequest(service), cancellation);
        }
        catch (PipelineException e) when (e.Message.Contains("is not in the local engine"))
        {
            throw new PipelineException(
                $"{service.DisplayName} image {service.Image} is not in the engine",
                $"Check the image of service {service.Role} (pipeline.json's \"services\", or --{service.Role}-image for the default ones), and run Restore (don't --skip it) to pull it.",
                e.Detail, e);
        }
        try
        {
            await docker.Containers.StartAsync(id, cancellation);
        }
        catch (DockerApiException e) when (e.EngineMessage.Contains("port is already allocated") ||
                                           e.EngineMessage.Contains("address already in use"))
        {
            var port = plan.CreateRequest(service).Ports[0];
            throw new PipelineException(
                $"{service.DisplayName} cannot publish 127.0.0.1:{port.HostPort}: something else holds that port",
                $"Stop what listens there (ss -ltnp | grep {port.HostPort}), or remove old deps with ./build.sh DepsDown.",
                e.EngineMessage, e);
        }
        Log.Note($"started {service.ContainerName} ({service.Image})");
    }
}
