using System.Text.Json.Serialization;

namespace Pipeline.Docker;

// The engine's container JSON shapes (API 1.41), kept apart from the pipeline's records.

internal static class ContainerCreateBody
{
    // The engine reads durations in a healthcheck as nanoseconds.
    private static long Nanoseconds(TimeSpan value) => value.Ticks * 100;

    public static object From(ContainerCreateRequest request) => new
    {
        request.Image,
        Cmd = request.Command,
        Entrypoint = request.Entrypoint,
        Env = request.Environment.Select(pair => $"{pair.Key}={pair.Value}").ToList(),
        request.Labels,
        User = request.User,
        WorkingDir = request.WorkingDirectory,
        // Publishing a port that the image does not EXPOSE needs it listed here as well.
        ExposedPorts = request.Ports.Count == 0 ? null : request.Ports.Select(p => p.Key).Distinct()
            .ToDictionary(key => key, _ => new object()),
        Healthcheck = request.Healthcheck is not { } health ? null : new
        {
            Test = new[] { "CMD-SHELL", health.ShellCommand },
            Interval = Nanoseconds(health.Interval),
            Timeout = Nanoseconds(health.Timeout),
            health.Retries,
            StartPeriod = Nanoseconds(health.StartPeriod),
        },
        HostConfig = new
        {
            PortBindings = request.Ports.Count == 0 ? null : request.Ports.GroupBy(p => p.Key).ToDictionary(
                group => group.Key,
                group => group.Select(p => new { HostIp = p.HostIp, HostPort = p.HostPort.ToString() }).ToList()),
            Binds = request.Binds.Count == 0 ? null : request.Binds,
            NetworkMode = request.Network,
        },
        NetworkingConfig = request.Network is null ? null : new
        {
            EndpointsConfig = new Dictionary<string, object>
            {
                [request.Network] = new { Aliases = request.NetworkAliases },
            },
        },
    };
}

internal sealed record ContainerCreatedWire([property: JsonPropertyName("Id")] string Id);

internal sealed record ContainerInspectWire(
    [property: JsonPropertyName("Id")] string Id,
    [property: JsonPropertyName("Name")] string Name,
    [property: JsonPropertyName("Image")] string Image,
    [property: JsonPropertyName("State")] ContainerStateWire State,
    [property: JsonPropertyName("Config")] ContainerConfigWire? Config,
    [property: JsonPropertyName("NetworkSettings")] NetworkSettingsWire? NetworkSettings)
{
    public ContainerDetails ToDetails() => new(
        Id,
        Name.TrimStart('/'),
        Config?.Image ?? Image,
        new ContainerState(
            State.Status, State.Running, State.ExitCode, State.Error ?? "", State.OOMKilled,
            State.Health?.Status, State.Health?.Log?.LastOrDefault()?.Output?.Trim(),
            State.StartedAt, State.FinishedAt),
        Config?.Labels ?? new Dictionary<string, string>(),
        Config?.Tty ?? false,
        (NetworkSettings?.Ports ?? []).Where(port => port.Value is { Count: > 0 }).ToDictionary(
            port => port.Key, port => int.Parse(port.Value![0].HostPort)),
        (NetworkSettings?.Networks ?? []).ToDictionary(network => network.Key, network => network.Value.IPAddress ?? ""));
}

internal sealed record ContainerStateWire(
    [property: JsonPropertyName("Status")] string Status,
    [property: JsonPropertyName("Running")] bool Running,
    [property: JsonPropertyName("ExitCode")] int ExitCode,
    [property: JsonPropertyName("Error")] string? Error,
    [property: JsonPropertyName("OOMKilled")] bool OOMKilled,
    [property: JsonPropertyName("StartedAt")] DateTimeOffset StartedAt,
    [property: JsonPropertyName("FinishedAt")] DateTimeOffset FinishedAt,
    [property: JsonPropertyName("Health")] HealthWire? Health);

internal sealed record HealthWire(
    [property: JsonPropertyName("Status")] string Status,
    [property: JsonPropertyName("Log")] List<HealthLogWire>? Log);

internal sealed record HealthLogWire(
    [property: JsonPropertyName("ExitCode")] int ExitCode,
    [property: JsonPropertyName("Output")] string? Output);

internal sealed record ContainerConfigWire(
    [property: JsonPropertyName("Image")] string? Image,
    [property: JsonPropertyName("Tty")] bool Tty,
    [property: JsonPropertyName("Labels")] Dictionary<string, string>? Labels);

internal sealed record NetworkSettingsWire(
    [property: JsonPropertyName("Ports")] Dictionary<string, List<PortWire>?>? Ports,
    [property: JsonPropertyName("Networks")] Dictionary<string, EndpointWire>? Networks);

internal sealed record PortWire(
    [property: JsonPropertyName("HostIp")] string HostIp,
    [property: JsonPropertyName("HostPort")] string HostPort);

internal sealed record EndpointWire([property: JsonPropertyName("IPAddress")] string? IPAddress);

internal sealed record ContainerSummaryWire(
    [property: JsonPropertyName("Id")] string Id,
    [property: JsonPropertyName("Names")] List<string>? Names,
    [property: JsonPropertyName("Image")] string Image,
    [property: JsonPropertyName("State")] string State,
    [property: JsonPropertyName("Status")] string Status,
    [property: JsonPropertyName("Labels")] Dictionary<string, string>? Labels)
{
    public ContainerSummary ToSummary() => new(
        Id, (Names ?? []).Select(name => name.TrimStart('/')).ToList(), Image, State, Status,
        Labels ?? new Dictionary<string, string>());
}

internal sealed record WaitWire(
    [property: JsonPropertyName("StatusCode")] int StatusCode,
    [property: JsonPropertyName("Error")] WaitErrorWire? Error);

internal sealed record WaitErrorWire([property: JsonPropertyName("Message")] string? Message);

internal sealed record ExecInspectWire(
    [property: JsonPropertyName("Running")] bool Running,
    [property: JsonPropertyName("ExitCode")] int? ExitCode);
