using Pipeline.Cli;

namespace Pipeline.Ci;

/// <summary>
/// The CI jobs, derived from the target graph: every push runs Test; the staging branch deploys to staging and a
/// main branch to production. The test job archives the release image it tested (IMAGE_ARCHIVE_DIR) and hands it to
/// the deploy jobs; theirs is DockerBuild without Test, which loads that very image instead of building another one,
/// and they skip everything else the test job already did.
/// </summary>
public sealed record CiPlan(IReadOnlyList<CiJob> Jobs, string CacheKey, IReadOnlyList<string> Graph)
{
    public const string TestTarget = "Test";
    public const string BuildTarget = "DockerBuild";
    public const string StagingTarget = "DeployStaging";
    public const string ProductionTarget = "DeployProduction";

    /// <summary>Where the test job leaves the tested image and the deploy jobs find it (outside the build context).</summary>
    public const string ArchiveDirectory = "/tmp/tested-image";

    public const string ArchiveVariable = "IMAGE_ARCHIVE_DIR";

    public static CiPlan From(TargetGraph graph, string stagingBranch, IReadOnlyList<string> mainBranches, IReadOnlyList<string> dependencyImages)
    {
        foreach (var target in new[] { TestTarget, BuildTarget, StagingTarget, ProductionTarget }) graph.Canonical(target);
        var skip = graph.ExecutionOrder([TestTarget]).Where(t => t != BuildTarget).ToList();
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
