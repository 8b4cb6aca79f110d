namespace Pipeline.Docker;

/// <summary>What the pipeline needs from GET /containers/{id}/json.</summary>
public sealed record ContainerDetails(
    string Id,
    string Name,
    string Image,
    ContainerState State,
    IReadOnlyDictionary<string, string> Labels,
    bool Tty,
    IReadOnlyDictionary<string, int> PublishedPorts,
    IReadOnlyDictionary<string, string> NetworkAddresses);

/// <summary>
/// The container's state. <see cref="Health"/> is null without a healthcheck, else "starting", "healthy" or
/// "unhealthy"; <see cref="LastHealthOutput"/> is what the last probe printed, for diagnostics.
/// </summary>
public sealed record ContainerState(
    string Status,
    bool Running,
    int ExitCode,
    string Error,
    bool OomKilled,
    string? Health,
    string? LastHealthOutput,
    DateTimeOffset StartedAt,
    DateTimeOffset FinishedAt);

/// <summary>One row of GET /containers/json.</summary>
public sealed record ContainerSummary(
    string Id,
    IReadOnlyList<string> Names,
    string Image,
    string State,
    string Status,
    IReadOnlyDictionary<string, string> Labels);

/// <summary>How a container or exec ended.</summary>
public sealed record ContainerExit(int ExitCode, string? Error);

/// <summary>A command run with exec: its exit code and its output, stdout and stderr kept apart.</summary>
public sealed record ExecResult(int ExitCode, string Stdout, string Stderr);

/// <summary>A container's log, stdout and stderr kept apart (a TTY container has only stdout).</summary>
public sealed record ContainerLogs(string Stdout, string Stderr);
