namespace AwsEndpoint.Ecs;

/// <summary>The numbers of ECS's rolling update and deployment circuit breaker, as AWS documents them.</summary>
public static class DeploymentRules
{
    /// <summary>Failed tasks that make a deployment FAILED: 0.5 × desired count rounded up, at least 3, at most 200
    /// ("How the Amazon ECS deployment circuit breaker detects failures", ECS Developer Guide).</summary>
    public static int FailureThreshold(int desiredCount) => Math.Clamp((int)Math.Ceiling(0.5 * desiredCount), 3, 200);

    /// <summary>Upper limit of tasks (all deployments) during a deployment: maximumPercent of the desired count,
    /// rounded down, never below the desired count itself.</summary>
    public static int MaximumTasks(int desiredCount, int? maximumPercent) =>
        Math.Max(desiredCount, (int)Math.Floor(desiredCount * (maximumPercent ?? 200) / 100.0));

    /// <summary>Lower limit of healthy tasks while old ones are stopped to make room: minimumHealthyPercent of the
    /// desired count, rounded up.</summary>
    public static int MinimumHealthyTasks(int desiredCount, int? minimumHealthyPercent) =>
        (int)Math.Ceiling(desiredCount * (minimumHealthyPercent ?? 100) / 100.0);
}
