namespace Pipeline.Docker;

/// <summary>
/// Limits for every engine call. Connecting counts against the call's own limit. Streams (pull, push, build, save,
/// load) get an idle limit instead of a total one: a large pull may rightly take many minutes, but an engine that
/// sends nothing for minutes is stuck.
/// </summary>
public sealed record DockerTimeouts(TimeSpan Ping, TimeSpan Metadata, TimeSpan StreamIdle)
{
    public static DockerTimeouts Default { get; } = new(
        Ping: TimeSpan.FromSeconds(3),
        Metadata: TimeSpan.FromSeconds(30),
        StreamIdle: TimeSpan.FromMinutes(5));
}
