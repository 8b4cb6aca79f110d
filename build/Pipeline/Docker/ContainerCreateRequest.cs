namespace Pipeline.Docker;

/// <summary>A container to create. Ports are published on loopback by default: tests and deps talk to them there.</summary>
public sealed record ContainerCreateRequest(string Image)
{
    /// <summary>The container name; null lets the engine pick one.</summary>
    public string? Name { get; init; }

    /// <summary>Replaces the image's CMD; null keeps it.</summary>
    public IReadOnlyList<string>? Command { get; init; }

    /// <summary>Replaces the image's ENTRYPOINT; null keeps it.</summary>
    public IReadOnlyList<string>? Entrypoint { get; init; }

    public IReadOnlyDictionary<string, string> Environment { get; init; } = new Dictionary<string, string>();

    public IReadOnlyDictionary<string, string> Labels { get; init; } = new Dictionary<string, string>();

    /// <summary>A user-defined network to join at creation, so the aliases resolve from the first second.</summary>
    public string? Network { get; init; }

    public IReadOnlyList<string> NetworkAliases { get; init; } = [];

    public IReadOnlyList<PortBinding> Ports { get; init; } = [];

    public HealthcheckSpec? Healthcheck { get; init; }

    /// <summary>Bind mounts as "host-path:container-path[:ro]".</summary>
    public IReadOnlyList<string> Binds { get; init; } = [];

    public string? User { get; init; }

    public string? WorkingDirectory { get; init; }
}

/// <summary>A container port published on the host; loopback unless said otherwise.</summary>
public sealed record PortBinding(int ContainerPort, int HostPort, string Protocol = "tcp", string HostIp = "127.0.0.1")
{
    /// <summary>The engine's key for the port, e.g. "3306/tcp".</summary>
    public string Key => $"{ContainerPort}/{Protocol}";
}

/// <summary>A HEALTHCHECK set at run time, run by the container's /bin/sh like Dockerfile's CMD-SHELL form.</summary>
public sealed record HealthcheckSpec(string ShellCommand, TimeSpan Interval, TimeSpan Timeout, int Retries)
{
    /// <summary>Failures during this first period do not count against <see cref="Retries"/> (a database booting).</summary>
    public TimeSpan StartPeriod { get; init; } = TimeSpan.Zero;
}
