using Pipeline.Config;

namespace Pipeline.Production;

/// <summary>Where DeployProduction acts and how long it waits.</summary>
public sealed record ProductionSettings(
    string Cluster, string Service, IReadOnlyList<string> Containers, TimeSpan DeployTimeout, int KeepRevisions)
{
    public const string SandboxCluster = "sandbox";

    /// <summary>
    /// A rollback goes to a revision that ran fine, so it gets at least five minutes whatever the deploy's own
    /// budget: a short budget meant to catch a slow release must not leave the service half rolled back.
    /// </summary>
    public TimeSpan RollbackTimeout => DeployTimeout > TimeSpan.FromMinutes(5) ? DeployTimeout : TimeSpan.FromMinutes(5);

    /// <summary>--ecs-service, else the repository's last part (the sandbox makes the service under that name too).</summary>
    public static string ServiceName(PipelineSettings settings) =>
        settings.Values.Get(PipelineParameters.EcsService) ?? settings.Images.Repository.Split('/')[^1];

    public static ProductionSettings From(PipelineSettings settings)
    {
        var values = settings.Values;
        var cluster = values.Get(PipelineParameters.EcsCluster)
            ?? (settings.IsSandbox ? SandboxCluster : throw new PipelineException(
                "No ECS cluster is set for DeployProduction", "Set ECS_CLUSTER (or --ecs-cluster)."));
        return new ProductionSettings(
            cluster,
            ServiceName(settings),
            // The sandbox's first task definition runs a placeholder image, so its app container is found by name.
            values.List(PipelineParameters.EcsContainer) is { Count: > 0 } containers ? containers
                : settings.IsSandbox ? [SandboxApp.EcsContainer] : [],
            TimeSpan.FromSeconds(values.Number(PipelineParameters.DeployTimeout)),
            values.Number(PipelineParameters.KeepRevisions));
    }
}
