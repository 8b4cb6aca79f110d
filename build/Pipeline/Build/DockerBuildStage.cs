using Pipeline.Cli;
using Pipeline.Docker;

namespace Pipeline.Build;

/// <summary>
/// DockerBuild: the testing image (when the run uses it), then the release image, both seeded from the last
/// release's layers. A run that does not run Test while --image-archive-dir is set (a CI deploy job) loads the
/// archived tested image instead.
/// </summary>
public sealed class DockerBuildStage(StageContext context) : IStage
{
    // With cache-from set, the legacy builder only reuses local layers that belong to a listed image, so the
    // app's own recent builds are listed too; otherwise a rebuild with no change would start from scratch.
    private const int RecentBuildsUsedAsCache = 4;

    // The target whose absence means no testing image is needed, and the archived tested image is used instead.
    private const string TestTarget = "Test";

    // The developer command that opens a shell in the testing image.
    private const string ShellTarget = "Shell";

    private const string Self = "DockerBuild";

    private const string SkippedTesting = "no testing image: no target of this run uses it (Test does not run)";

    public IEnumerable<string> Describe()
    {
        var settings = context.Settings;
        var archive = TestedImageArchive.For(settings, () => context.Docker);
        if (archive is not null && !context.Runs(TestTarget)) return [archive.DescribeLoad()];
        var withTesting = TestingImageNeeded();
        var plan = ImageBuildPlan.For(settings, "<commit time>", [.. settings.Images.Latest is { } latest ? [latest] : Array.Empty<string>(), "<recent local builds>"], [], withTesting);
        return withTesting ? plan.SelectMany(ImageBuildPlan.Describe) : plan.SelectMany(ImageBuildPlan.Describe).Prepend(SkippedTesting);
    }

    public async Task RunAsync(CancellationToken cancellation)
    {
        var settings = context.Settings;
        var docker = context.Docker;
        var archive = TestedImageArchive.For(settings, () => docker);
        if (archive is not null && !context.Runs(TestTarget))
        {
            await archive.LoadAsync(cancellation);
            return;
        }
        var commitTime = SourceRevision.Git(["show", "-s", "--format=%cI", settings.Revision.Sha]);
        var credentials = await context.RegistryLoginAsync(cancellation) is { } login ? new[] { login } : [];
        var withTesting = TestingImageNeeded();
        if (!withTesting) Log.Note(SkippedTesting);
        var plan = ImageBuildPlan.For(settings, commitTime, await CacheSourcesAsync(docker, cancellation), credentials, withTesting);

        foreach (var request in plan)
        {
            var imageId = await docker.Builds.BuildAsync(request, cancellation);
            var image = await docker.Images.InspectAsync(imageId, cancellation);
            var size = image is null ? "" : $", {image.Size / 1_000_000.0:0.0} MB";
            Log.Note($"built {request.Tags[0]} ({ShortId(imageId)}{size})");
            RunSummary.Add($"image {request.Tags[0]} {ShortId(imageId)}{size}");
        }
    }

    // Only Test and Shell use the testing image. A run that goes on from DockerBuild to Push or a deploy without
    // them skips it, saving a build; a run that ends at DockerBuild makes both, as asked.
    private bool TestingImageNeeded() =>
        context.Runs(TestTarget) || context.Runs(ShellTarget)
        || !context.Running.Any(t => !t.Equals(Self, StringComparison.OrdinalIgnoreCase) && context.Graph.ExecutionOrder([t]).Contains(Self));

    private async Task<IReadOnlyList<string>> CacheSourcesAsync(IDockerEngine docker, CancellationToken cancellation)
    {
        var settings = context.Settings;
        var sources = new List<string>();
        if (settings.Images.Latest is { } latest && await docker.Images.InspectAsync(latest, cancellation) is not null)
            sources.Add(latest);
        var recent = await docker.Images.ListByLabelAsync(
            $"{ImageBuildPlan.RepositoryLabel}={settings.Images.Repository}", cancellation);
        sources.AddRange(recent.OrderByDescending(i => i.Created).Take(RecentBuildsUsedAsCache).Select(i => i.Id));
        return sources;
    }

    private static string ShortId(string id) => id.Replace("sha256:", "")[..12];
}
