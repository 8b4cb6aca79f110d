using Pipeline.Cache;
using Pipeline.Cli;
using Pipeline.Config;
using Pipeline.Docker;

namespace Pipeline.Build;

/// <summary>
/// Carries the tested release image from the job that built and tested it to the deploy jobs, which run on other
/// machines. Test saves it into the archive directory once the tests pass; DockerBuild, in a run that does not run
/// Test, loads it from there instead of building, so what gets deployed is the very image the tests passed on. (A rebuild elsewhere is a
/// different image: npm writes every file with a new mtime.) The files are the tarball cache's entry format, so
/// the image ID and the tarball's sha256 are checked before the image is used.
/// </summary>
public sealed class TestedImageArchive(Func<IDockerEngine> docker, string directory, TarballCompression compression, PipelineSettings settings)
{
    private static readonly TimeSpan LockTimeout = TimeSpan.FromMinutes(10);
    private static readonly TimeSpan StaleTempAge = TimeSpan.FromHours(1);

    public string Directory { get; } = directory;

    private CacheEntry Entry => CacheEntry.For(settings.Images.Release, Directory);

    /// <summary>The archive the settings ask for, or null when --image-archive-dir is not set.</summary>
    public static TestedImageArchive? For(PipelineSettings settings, Func<IDockerEngine> docker) =>
        settings.ImageArchiveDirectory is { } directory
            ? new TestedImageArchive(docker, directory, settings.Cache.Compression, settings)
            : null;

    public string DescribeSave() =>
        $"save {settings.Images.Release} to {Directory} ({compression}), for the deploy jobs that skip Test; older commits' archives there are removed";

    public string DescribeLoad() =>
        $"load the tested image {settings.Images.Release} from {Directory} (sha256 and image ID checked) instead of building: this run does not run Test";

    /// <summary>
    /// Saves the release image (unless the archive already holds this very image) with the test run's provenance,
    /// then drops older commits' archives.
    /// </summary>
    public async Task SaveAsync(string imageId, TestProvenance provenance, CancellationToken cancellation)
    {
        var entry = Entry;
        CreateDirectory();
        using (await CacheEntryLock.AcquireAsync(entry, LockTimeout, cancellation))
        {
            var manifest = await CacheManifest.ReadAsync(entry, cancellation);
            if (manifest is not null && manifest.RecordsImage(imageId) && await TarballTransfer.VerifyAsync(entry, manifest, cancellation) is null)
                Log.Note($"{settings.Images.Release} is already archived in {Directory}");
            else
                manifest = await new TarballTransfer(docker().Images, compression).SaveAsync(entry, imageId, cancellation);
            await AtomicFile.WriteAllTextAsync(entry.NewTempPath(), entry.ManifestPath, (manifest with { TestedWith = provenance }).ToJson(), cancellation);
        }
        Log.Note($"tested against {provenance.Describe()}");
        await CachePrune.RunAsync(Directory, [entry], StaleTempAge, cancellation);
        RunSummary.Add($"tested image archived: {entry.ManifestPath}");
    }

    /// <summary>Puts the archived image into the engine and returns its ID; fails, naming the fix, when there is none to trust.</summary>
    public async Task<string> LoadAsync(CancellationToken cancellation)
    {
        var entry = Entry;
        var release = settings.Images.Release;
        var manifest = await CacheManifest.ReadAsync(entry, cancellation) ?? throw new PipelineException(
            $"The tested image {release} is not in the image archive {Directory}",
            "This run skips Test, so it deploys only an image a Test run archived for this commit. Run `./build.sh Test` " +
            "with the same --image-archive-dir / IMAGE_ARCHIVE_DIR first (in CI: the test job uploads the directory and " +
            "the deploy job downloads it), or unset IMAGE_ARCHIVE_DIR to build and deploy without tests.");
        if (await TarballTransfer.VerifyAsync(entry, manifest, cancellation) is { } damage)
            throw new PipelineException(
                $"The archived image {release} in {Directory} is damaged: {damage}",
                "Re-run the job that ran Test for this commit, so it archives the image again.");

        CheckTestedForThisRun(manifest.TestedWith);
        var image = await docker().Images.InspectAsync(release, cancellation);
        if (manifest.RecordsImage(image?.Id))
            Log.Note($"the engine already has the tested image {release} ({manifest.ImageId[..19]})");
        else
        {
            await new TarballTransfer(docker().Images, compression).LoadAsync(entry, manifest, cancellation);
            image = await docker().Images.InspectAsync(release, cancellation);
            if (!manifest.RecordsImage(image?.Id))
                throw new PipelineException(
                    $"Loading {entry.PathOf(manifest.Tarball)} gave {(image is null ? "no image named " + release : "image " + image.Id[..19])}, the archive says {manifest.ImageId[..19]}",
                    "Re-run the job that ran Test for this commit, so it archives the image again.");
            Log.Note($"loaded the tested image {release} from {Directory} ({TarballTransfer.Megabytes(manifest.Size)})");
        }
        CheckBuiltForThisRun(image!);
        RunSummary.Add($"image {release} {manifest.ImageId[7..19]} (the tested one, from {Directory})");
        return image!.Id;
    }

    // A deploy to real infrastructure ships only what was tested on the pinned images production runs. The sandbox
    // swaps them for stand-ins (MariaDB for MySQL, its own Node build), so its archives are for sandbox deploys only.
    private void CheckTestedForThisRun(TestProvenance? tested)
    {
        var release = settings.Images.Release;
        if (tested is null)
            throw new PipelineException(
                $"The archived image {release} in {Directory} does not say what it was tested against",
                "It was archived by an older pipeline: re-run the test job for this commit, so it archives the image again.");
        if (tested.Sandbox && !settings.IsSandbox)
            throw new PipelineException(
                $"The archived image {release} was built and tested on the sandbox's stand-ins ({tested.Describe()}), not on the pinned images production runs",
                "Re-run Test without the sandbox (CI runs leave it off; elsewhere pass --sandbox off), so the image is tested on the pinned images, then deploy.");
        Log.Note($"the archived image was tested against {tested.Describe()} (run {tested.RunId})");
    }

    // The tag names the commit but not the environment: one commit can be tested on develop (staging image) and on
    // main (production image). Deploying the other environment's build would run it with the wrong NODE_ENV.
    private void CheckBuiltForThisRun(ImageDetails image)
    {
        image.Labels.TryGetValue(ImageBuildPlan.AppEnvLabel, out var appEnv);
        if (appEnv == settings.ReleaseAppEnv) return;
        throw new PipelineException(
            $"The archived image {settings.Images.Release} was built with APP_ENV={appEnv ?? "(none)"}, this run needs {settings.ReleaseAppEnv}",
            "Run Test for this branch with its own --image-archive-dir, or set --app-env to match the tested build.");
    }

    private void CreateDirectory()
    {
        try
        {
            System.IO.Directory.CreateDirectory(Directory);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new PipelineException(
                $"The image archive directory {Directory} cannot be created: {e.Message}",
                "Point --image-archive-dir / IMAGE_ARCHIVE_DIR at a writable directory.", e.Message, e);
        }
    }
}
