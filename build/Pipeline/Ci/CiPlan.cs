using Pipeline.Cli;

namespace Pipeline.Ci;

/// <summary>
/// The CI jobs, derived from the target graph: every push runs Test; the staging branch deploys to staging and a
/// main branch to production. A deploy job runs on a fresh machine, so it builds the images again (Restore and
/// DockerBuild, seeded by the layer and tarball caches) and skips what the test job already proved.
/// </summary>
public sealed record CiPlan(IReadOnlyList<CiJob> Jobs, string CacheKey, IReadOnlyList<string> Graph)
{
    public const string TestTarget = "Test";
    public const string BuildTarget = "DockerBuild";
    public const string StagingTarget = "DeployStaging";
    public const string ProductionTarget = "DeployProduction";

    public static CiPlan From(TargetGraph graph, string stagingBranch, IReadOnlyList<string> mainBranches, IReadOnlyList<string> dependencyImages)
    {
        foreach (var target in new[] { TestTarget, BuildTarget, StagingTarget, ProductionTarget }) graph.Canonical(target);
        var skip = graph.ExecutionOrder([TestTarget]).Except(graph.ExecutionOrder([BuildTarget])).ToList();
        return new CiPlan(
            [
                new CiJob("test", TestTarget, [], Branches: null, Environment: null, NeedsApproval: false),
                new CiJob("deploy-staging", StagingTarget, skip, [stagingBranch], "staging", NeedsApproval: false),
                new CiJob("deploy-production", ProductionTarget, skip, mainBranches, "production", NeedsApproval: true),
            ],
            "docker-images-v1-" + string.Join("-", dependencyImages.Select(Slug)),
            // The whole graph is written into both files, so adding or renaming any target makes them stale.
            graph.Targets.Select(t => t.Dependencies.Count == 0 ? t.Name : $"{t.Name} -> {string.Join(", ", t.Dependencies)}").ToList());
    }

    private static string Slug(string image) => new(image.Select(c => char.IsAsciiLetterOrDigit(c) || c is '.' or '_' ? c : '_').ToArray());
}

/// <summary>One CI job: the one target it runs, what it skips, which branches run it and where it deploys.</summary>
public sealed record CiJob(
    string Name, string Target, IReadOnlyList<string> Skip, IReadOnlyList<string>? Branches, string? Environment, bool NeedsApproval)
{
    public string Command => Skip.Count == 0 ? $"./build.sh {Target}" : $"./build.sh {Target} --skip {string.Join(",", Skip)}";
}
