using System.Net;
using System.Text.Json;

namespace Pipeline.Docker;

internal sealed partial class ContainerOperations(DockerApiClient api) : IContainerOperations
{
    public async Task<string> CreateAsync(ContainerCreateRequest request, CancellationToken cancellation)
    {
        try
        {
            var created = await api.GetJsonAsync<ContainerCreatedWire>(CreateRequest(request), cancellation);
            return created!.Id;
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

    internal static DockerRequest CreateRequest(ContainerCreateRequest request) =>
        DockerRequest.Post("/containers/create").With("name", request.Name)
            .WithBody(ContainerCreateBody.From(request));

    public async Task StartAsync(string name, CancellationToken cancellation) =>
        await api.SendAsync(DockerRequest.Post($"/containers/{DockerRequest.Segment(name)}/start"), cancellation);

    public async Task<ContainerExit> WaitAsync(string name, TimeSpan limit, CancellationToken cancellation)
    {
        // "not-running" returns at once for a container that already exited, unlike the default "next-exit".
        var request = DockerRequest.Post($"/containers/{DockerRequest.Segment(name)}/wait").With("condition", "not-running");
        var body = await api.SendAsync(request, cancellation, timeout: limit);
        var wait = JsonSerializer.Deserialize<WaitWire>(body!)!;
        return new ContainerExit(wait.StatusCode, wait.Error?.Message is { Length: > 0 } error ? error : null);
    }

    public async Task<ContainerLogs> LogsAsync(string name, int? tail, CancellationToken cancellation)
    {
        // Only a container without a TTY frames its output; the frames are how stdout and stderr are told apart.
        var details = await InspectAsync(name, cancellation) ?? throw NoSuchContainer(name);
        var request = DockerRequest.Get($"/containers/{DockerRequest.Segment(name)}/logs")
            .With("stdout", true).With("stderr", true).With("tail", tail?.ToString() ?? "all");
        return await api.ReadRawAsync(request, api.Timeouts.Metadata,
            (stream, token) => details.Tty
                ? MultiplexedStream.ReadRawAsync(stream, token)
                : MultiplexedStream.ReadAllAsync(stream, onData: null, token),
            cancellation);
    }

    public async Task<ContainerDetails?> InspectAsync(string name, CancellationToken cancellation)
    {
        var wire = await api.GetJsonAsync<ContainerInspectWire>(
            DockerRequest.Get($"/containers/{DockerRequest.Segment(name)}/json"), cancellation, nullOn404: true);
        return wire?.ToDetails();
    }

    public async Task StopAsync(string name, TimeSpan grace, CancellationToken cancellation)
    {
        var request = DockerRequest.Post($"/containers/{DockerRequest.Segment(name)}/stop")
            .With("t", ((int)Math.Ceiling(grace.TotalSeconds)).ToString());
        // The engine answers only after the grace period and the kill, so the limit has to include the grace.
        if (await api.SendAsync(request, cancellation, nullOn404: true, timeout: grace + api.Timeouts.Metadata) is null)
            throw NoSuchContainer(name);
    }

    public async Task<bool> RemoveAsync(string name, CancellationToken cancellation)
    {
        var request = DockerRequest.Delete($"/containers/{DockerRequest.Segment(name)}")
            .With("force", true).With("v", true);
        return await api.SendAsync(request, cancellation, nullOn404: true) is not null;
    }

    public async Task<IReadOnlyList<ContainerSummary>> ListByLabelAsync(string label, CancellationToken cancellation)
    {
        var filters = JsonSerializer.Serialize(new Dictionary<string, string[]> { ["label"] = [label] });
        var rows = await api.GetJsonAsync<List<ContainerSummaryWire>>(
            DockerRequest.Get("/containers/json").With("all", true).With("filters", filters), cancellation);
        return rows is null ? [] : rows.Select(row => row.ToSummary()).ToList();
    }

    public async Task<ExecResult> ExecAsync(
        string name, IReadOnlyList<string> command, TimeSpan limit, CancellationToken cancellation)
    {
        var create = DockerRequest.Post($"/containers/{DockerRequest.Segment(name)}/exec").WithBody(new
        {
            AttachStdout = true,
            AttachStderr = true,
            Tty = false,
            Cmd = command,
        });
        var exec = await api.GetJsonAsync<ContainerCreatedWire>(create, cancellation) ?? throw NoSuchContainer(name);
        // Without an Upgrade header the engine answers 200 and then streams the framed output until the command ends.
        var start = DockerRequest.Post($"/exec/{exec.Id}/start").WithBody(new { Detach = false, Tty = false });
        var output = await api.ReadRawAsync(start, limit,
            (stream, token) => MultiplexedStream.ReadAllAsync(stream, onData: null, token), cancellation);
        var state = await api.GetJsonAsync<ExecInspectWire>(DockerRequest.Get($"/exec/{exec.Id}/json"), cancellation);
        if (state is null || state.Running || state.ExitCode is null)
        {
            throw new PipelineException($"exec in {name} ended its output but the command is still running",
                "Check the container; the command may have detached a child that holds the output open.");
        }
        return new ExecResult(state.ExitCode.Value, output.Stdout, output.Stderr);
    }

    private static PipelineException NoSuchContainer(string name) =>
        new($"No container {name}", "It may have been removed already; list them with docker ps -a.");
}
