using System.Net;
using Docker.DotNet;
using Docker.DotNet.Models;
using EnginePortBinding = Docker.DotNet.Models.PortBinding;
using PortBinding = Pipeline.Docker.PortBinding;

namespace Pipeline.Docker;

internal sealed partial class ContainerOperations(EngineCalls engine) : IContainerOperations
{
    public async Task<string> CreateAsync(ContainerCreateRequest request, CancellationToken cancellation)
    {
        try
        {
            var created = await engine.RunAsync("POST /containers/create",
                (docker, token) => docker.Containers.CreateContainerAsync(CreateParameters(request), token), cancellation);
            return created.ID;
        }
        catch (DockerApiException refused) when (refused.StatusCode == HttpStatusCode.NotFound)
        {
            throw new PipelineException($"Image {request.Image} is not in the local engine",
                "Pull or build it first.", refused.EngineMessage, refused);
        }
        catch (DockerApiException refused) when (refused.StatusCode == HttpStatusCode.Conflict)
        {
            throw new PipelineException($"A container named {request.Name} already exists",
                $"Remove it (docker rm -f {request.Name}) or pick another name.", refused.EngineMessage, refused);
        }
    }

    // False is the engine's 304, "already running": that is what was asked for.
    public Task StartAsync(string name, CancellationToken cancellation) =>
        OnContainerAsync(name, $"POST /containers/{name}/start",
            (docker, token) => docker.Containers.StartContainerAsync(name, null, token), cancellation);

    public async Task<ContainerExit> WaitAsync(string name, TimeSpan limit, CancellationToken cancellation)
    {
        // Without a condition the engine waits for "not-running", which returns at once for a container that has
        // already exited (the docker CLI asks for "next-exit", which would wait for a next run).
        var wait = await engine.RunAsync($"POST /containers/{name}/wait",
            (docker, token) => docker.Containers.WaitContainerAsync(name, token), cancellation, limit);
        return new ContainerExit((int)wait.StatusCode, wait.Error?.Message is { Length: > 0 } error ? error : null);
    }

    public async Task<ContainerDetails?> InspectAsync(string name, CancellationToken cancellation) =>
        await engine.FindAsync($"GET /containers/{name}/json",
            (docker, token) => docker.Containers.InspectContainerAsync(name, token), cancellation) is { } container
            ? EngineRecords.Details(container)
            : null;

    public Task StopAsync(string name, TimeSpan grace, CancellationToken cancellation)
    {
        var parameters = new ContainerStopParameters { WaitBeforeKillSeconds = (uint)Math.Ceiling(grace.TotalSeconds) };
        // The engine answers only after the grace period and the kill, so the limit has to include the grace.
        // A stopped container answers 304, which the library returns as false: fine.
        return OnContainerAsync(name, $"POST /containers/{name}/stop",
            (docker, token) => docker.Containers.StopContainerAsync(name, parameters, token), cancellation,
            grace + engine.Timeouts.Metadata);
    }

    public Task<bool> RemoveAsync(string name, CancellationToken cancellation) =>
        engine.RemoveAsync($"DELETE /containers/{name}", (docker, token) => docker.Containers.RemoveContainerAsync(
            name, new ContainerRemoveParameters { Force = true, RemoveVolumes = true }, token), cancellation);

    public async Task<IReadOnlyList<ContainerSummary>> ListByLabelAsync(string label, CancellationToken cancellation)
    {
        var rows = await engine.RunAsync("GET /containers/json", (docker, token) => docker.Containers.ListContainersAsync(
            new ContainersListParameters { All = true, Filters = EngineRecords.Filter("label", label) }, token), cancellation);
        return rows.Select(EngineRecords.Summary).ToList();
    }

    /// <summary>The container as the engine takes it. Ports are published on loopback unless the request says otherwise.</summary>
    internal static CreateContainerParameters CreateParameters(ContainerCreateRequest request) => new()
    {
        Name = request.Name,
        Image = request.Image,
        Cmd = request.Command is null ? null! : [.. request.Command],
        Entrypoint = request.Entrypoint is null ? null! : [.. request.Entrypoint],
        Env = request.Environment.Select(pair => $"{pair.Key}={pair.Value}").ToList(),
        Labels = new Dictionary<string, string>(request.Labels),
        User = request.User ?? "",
        WorkingDir = request.WorkingDirectory ?? "",
        // Publishing a port that the image does not EXPOSE needs it listed here as well.
        ExposedPorts = request.Ports.Count == 0 ? null : request.Ports.Select(port => port.Key).Distinct()
            .ToDictionary(key => key, _ => default(EmptyStruct)),
        Healthcheck = request.Healthcheck is not { } health ? null : new HealthcheckConfig
        {
            Test = ["CMD-SHELL", health.ShellCommand],
            Interval = health.Interval,
            Timeout = health.Timeout,
            Retries = health.Retries,
            StartPeriod = health.StartPeriod,
        },
        HostConfig = new HostConfig
        {
            PortBindings = request.Ports.Count == 0 ? null! : request.Ports.GroupBy(port => port.Key).ToDictionary(
                group => group.Key,
                group => (IList<EnginePortBinding>)group.Select(port => new EnginePortBinding
                {
                    HostIP = port.HostIp, HostPort = port.HostPort.ToString(),
                }).ToList()),
            Binds = request.Binds.Count == 0 ? null! : [.. request.Binds],
            NetworkMode = request.Network ?? "",
        },
        NetworkingConfig = request.Network is null ? null : new NetworkingConfig
        {
            EndpointsConfig = new Dictionary<string, EndpointSettings>
            {
                [request.Network] = new() { Aliases = [.. request.NetworkAliases] },
            },
        },
    };

    /// <summary>A call about one container, which fails saying so when there is no such container.</summary>
    private async Task<T> OnContainerAsync<T>(
        string name, string call, Func<IDockerClient, CancellationToken, Task<T>> send,
        CancellationToken cancellation, TimeSpan? limit = null)
    {
        try
        {
            return await engine.RunAsync(call, send, cancellation, limit);
        }
        catch (DockerApiException missing) when (missing.StatusCode == HttpStatusCode.NotFound)
        {
            throw NoSuchContainer(name, missing);
        }
    }

    private static PipelineException NoSuchContainer(string name, DockerApiException missing) =>
        new($"No container {name}", "It may have been removed already; list them with docker ps -a.", missing.EngineMessage, missing);
}
