namespace AwsEndpoint.Ecs;

/// <summary>ECS's service throttle logic ("Amazon ECS service throttle logic", ECS Developer Guide): when a service's
/// tasks keep going from PENDING straight to STOPPED (image pull, create or start failed), the time between launch
/// attempts grows, and ECS says "(service …) is unable to consistently start tasks successfully."; a task that
/// reaches RUNNING, or a new task definition, ends it. Tasks that stop after RUNNING (a crash, a failed health check)
/// are not throttled. ECS grows the delay up to 27 minutes; the sandbox doubles from
/// <see cref="EcsSettings.LaunchBackoff"/> up to <see cref="EcsSettings.LaunchBackoffCap"/>, so a fixed image is
/// picked up within a minute. Callers hold EcsState.Gate.</summary>
public sealed class LaunchThrottle
{
    private DateTimeOffset _lastFailureAt = DateTimeOffset.MinValue;

    /// <summary>Failed launch rounds in a row; tasks launched in the same pass that fail together count once.</summary>
    public int Failures { get; private set; }

    /// <summary>No launch for the service before this.</summary>
    public DateTimeOffset NextLaunchAt { get; private set; } = DateTimeOffset.MinValue;

    public bool Allows(DateTimeOffset now) => now >= NextLaunchAt;

    /// <summary>Records a task that failed to start; true when this failure turns the throttling on (the second
    /// round in a row), which is when ECS posts its event.</summary>
    public bool TaskFailedToStart(DateTimeOffset launchedAt, DateTimeOffset now, TimeSpan first, TimeSpan cap)
    {
        // A task launched before the last recorded failure belongs to that failure's round.
        if (launchedAt < _lastFailureAt) return false;
        Failures++;
        _lastFailureAt = now;
        NextLaunchAt = now + Delay(Failures, first, cap);
        return Failures == 2;
    }

    public void Reset()
    {
        Failures = 0;
        NextLaunchAt = DateTimeOffset.MinValue;
        _lastFailureAt = DateTimeOffset.MinValue;
    }

    /// <summary>first, 2 × first, 4 × first, … never more than cap.</summary>
    public static TimeSpan Delay(int failures, TimeSpan first, TimeSpan cap) =>
        failures < 1 ? TimeSpan.Zero : TimeSpan.FromTicks(Math.Min(cap.Ticks, first.Ticks * (1L << Math.Min(failures - 1, 30))));
}
