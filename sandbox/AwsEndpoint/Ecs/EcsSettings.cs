using System.Security.Cryptography;
using System.Text;

namespace AwsEndpoint.Ecs;

/// <summary>How the sandbox's ECS runs tasks. Tests shorten the times; the sandbox keeps the defaults.</summary>
public sealed record EcsSettings
{
    /// <summary>One scheduler pass every tick: observe containers, count failures, launch and stop tasks.</summary>
    public TimeSpan Tick { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>A task whose containers have no healthCheck counts as healthy once it has run this long.</summary>
    public TimeSpan HealthGrace { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>SIGTERM to SIGKILL when the scheduler stops a task whose container has no stopTimeout.</summary>
    public TimeSpan StopGrace { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>Delay before relaunching for a service whose task failed to start; doubles with each failure in a
    /// row (see <see cref="LaunchThrottle"/>).</summary>
    public TimeSpan LaunchBackoff { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>The longest delay between launch attempts of a service whose tasks keep failing to start.</summary>
    public TimeSpan LaunchBackoffCap { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>The Docker engine (DOCKER_HOST form, unix sockets only); null is /var/run/docker.sock.</summary>
    public string? DockerHost { get; init; } = Environment.GetEnvironmentVariable("DOCKER_HOST");

    /// <summary>Stopped tasks kept describable per service (AWS keeps them about an hour).</summary>
    public int StoppedTasksKept { get; init; } = 100;

    /// <summary>Tells this endpoint's containers apart from another endpoint's on the same engine (the sandbox's and a
    /// test run's): derived from the state dir, so a restarted endpoint finds its predecessor's leftovers.</summary>
    public static string InstanceId(string stateDir) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(Path.GetFullPath(stateDir))))[..12];

    /// <summary>The Docker network a cluster's tasks join (created on first use unless the sandbox made it).</summary>
    public static string NetworkName(string cluster) => "ecs-" + cluster;
}
