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
    /// <summary>Where Test writes its JUnit XML (--test-results-dir, relative to the repository root).</summary>
    public string TestResults { get; init; } = TestResultsDirectory;

    public const string TestTarget = "Test";
    public const string BuildTarget = "DockerBuild";
    public const string StagingTarget = "DeployStaging";
    public const string ProductionTarget = "DeployProduction";

    /// <summary>Where the test job leaves the tested image and the deploy jobs find it (outside the build context).</summary>
    public const string ArchiveDirectory = "/tmp/tested-image";

    public const string ArchiveVariable = "IMAGE_ARCHIVE_DIR";

    /// <summary>
    /// Days GitHub keeps the tested image. The production deploy waits for a person's approval; an approval given
    /// later than this finds no image, and the deploy job says so and how to re-run.
    /// </summary>
    public const int ArchiveRetentionDays = 30;

    /// <summary>Where Test writes its JUnit XML (the default of --test-results-dir), for the CIs' result pages.</summary>
    public const string TestResultsDirectory = "test-results";

    /// <summary>The files whose change invalidates the NuGet cache: the SDK pin, the Cake tool and the library.</summary>
    public static readonly IReadOnlyList<string> NugetKeyFiles = ["global.json", ".config/dotnet-tools.json", "build/Pipeline/Pipeline.csproj"];

    public const string SdkPinFile = "global.json";

    /// <param name="cachedImages">The pinned dependency images and the base image: what the test job caches in ~/docker.</param>
    public static CiPlan From(
        TargetGraph graph, string stagingBranch, IReadOnlyList<string> mainBranches, IReadOnlyList<string> cachedImages,
        string stagingOrigin = "--staging-branch", string mainOrigin = "--main-branches")
    {
        foreach (var target in new[] { TestTarget, BuildTarget, StagingTarget, ProductionTarget }) graph.Canonical(target);
        stagingBranch = CiBranch.Validate(stagingBranch, stagingOrigin);
        mainBranches = mainBranches.Select(b => CiBranch.Validate(b, mainOrigin)).ToList();
        var skip = graph.ExecutionOrder([TestTarget]).Where(t => t != BuildTarget).ToList();
        return new CiPlan(
            [
                new CiJob("test", TestTarget, [], Branches: null, Environment: null, NeedsApproval: false),
                new CiJob("deploy-staging", StagingTarget, skip, [stagingBranch], "staging", NeedsApproval: false),
                new CiJob("deploy-production", ProductionTarget, skip, mainBranches, "production", NeedsApproval: true),
            ],
            "docker-images-v2-" + string.Join("-", cachedImages.Select(Slug)),
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
