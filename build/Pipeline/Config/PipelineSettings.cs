using Pipeline.Build;
using Pipeline.Cache;
using Pipeline.Registry;

namespace Pipeline.Config;

/// <summary>The one settings object, resolved once at start and read by every stage.</summary>
public sealed record PipelineSettings(
    ParameterValues Values,
    string RepositoryRoot,
    bool IsSandbox,
    SandboxProfile Sandbox,
    string? Registry,
    ImageNames Images,
    SourceRevision Revision,
    string ReleaseAppEnv,
    string ContextDirectory,
    string Dockerfile,
    string? BaseImage,
    string? CacheBust,
    string MysqlImage,
    string RedisImage,
    string DockerHost)
{
    /// <summary>Why this run does or does not use the sandbox (the banner prints it).</summary>
    public string SandboxReason { get; init; } = "";

    /// <summary>
    /// The base image the build really uses: the one passed to the Dockerfile, else the Dockerfile's own default;
    /// null when the Dockerfile names none. Restore caches it with the dependency images.
    /// </summary>
    public string? EffectiveBaseImage { get; init; }

    /// <summary>The image tarball cache Restore keeps (directory, compression, further images).</summary>
    public ImageCacheSettings Cache { get; init; } = new(ExpandHome("~/docker"), TarballCompression.Default, []);

    /// <summary>Where Test writes its JUnit XML results.</summary>
    public string TestResultsDirectory { get; init; } = "test-results";

    /// <summary>With --docker-tls-verify, the directory of the engine's TLS certificates; null for a plain engine.</summary>
    public string? DockerCertPath { get; init; }

    /// <summary>Where DockerBuild archives the tested release image for later jobs; null when not asked for.</summary>
    public string? ImageArchiveDirectory { get; init; }

    public static PipelineSettings From(
        ParameterValues values, string repositoryRoot, Func<string, string?> environment, Func<string[], string?> git,
        HostPlatform? host = null)
    {
        var choice = SandboxChoice.Decide(values, environment, host ?? HostPlatform.Current);
        var isSandbox = choice.Use;
        var sandbox = new SandboxProfile(ExpandHome(values.Get(PipelineParameters.SandboxDir)!));
        var registry = isSandbox ? SandboxProfile.Registry : values.Get(PipelineParameters.Registry);

        var repository = values.Get(PipelineParameters.Repository)!;
        var revision = SourceRevision.Resolve(
            values.Get(PipelineParameters.Sha), values.Get(PipelineParameters.Branch), environment, git);
        var mainBranches = values.List(PipelineParameters.MainBranches);
        var releaseAppEnv = values.Get(PipelineParameters.AppEnv)
            ?? (mainBranches.Contains(revision.Branch) ? "production" : "staging");

        var context = Path.GetFullPath(Path.Combine(repositoryRoot, values.Get(PipelineParameters.Context)!));
        if (!Directory.Exists(context))
            throw new PipelineException($"Build context {context} does not exist", "Set --context / DOCKER_CONTEXT to a directory in the repository.");
        var dockerfile = values.Get(PipelineParameters.Dockerfile)!;
        if (!File.Exists(Path.Combine(context, dockerfile)))
            throw new PipelineException($"Dockerfile {dockerfile} is not in the build context {context}", "Set --dockerfile / DOCKERFILE to a path relative to the context.");

        // In the sandbox the project's pinned public images (defaults or pipeline.json) are swapped for the
        // sandbox's stand-ins, since no public registry is reachable; an image given for this run is kept.
        string? Pick(ParameterDefinition parameter, string sandboxValue) =>
            isSandbox && !values.IsOverridden(parameter) ? sandboxValue : values.Get(parameter);
        var baseImage = Pick(PipelineParameters.BaseImage, SandboxProfile.NodeImage);
        var cache = ImageCacheSettings.From(values, ExpandHome);
        var archive = values.Get(PipelineParameters.ImageArchiveDir) is { Length: > 0 } archiveDir ? ExpandHome(archiveDir) : null;
        // Each prunes the files it does not know: sharing a directory, each run would delete the other's entries.
        if (archive is not null && DirectoryPaths.Overlap(archive, cache.Directory))
            throw new PipelineException(
                $"{values[PipelineParameters.ImageArchiveDir].SettingAndOrigin} and {values[PipelineParameters.CacheDir].SettingAndOrigin} overlap (the same directory, or one inside the other)",
                "Give the tested-image archive a directory of its own: the archive and the tarball cache each prune the files they do not know.");

        return new PipelineSettings(
            values,
            repositoryRoot,
            isSandbox,
            sandbox,
            registry,
            new ImageNames(registry, repository, revision),
            revision,
            releaseAppEnv,
            context,
            dockerfile,
            baseImage,
            values.Get(PipelineParameters.CacheBust),
            Pick(PipelineParameters.MysqlImage, SandboxProfile.MysqlImage)!,
            Pick(PipelineParameters.RedisImage, SandboxProfile.RedisImage)!,
            values.Get(PipelineParameters.DockerHost)!)
        {
            SandboxReason = choice.Reason,
            TestResultsDirectory = Path.GetFullPath(Path.Combine(repositoryRoot, values.Get(PipelineParameters.TestResultsDir)!)),
            EffectiveBaseImage = baseImage ?? DockerfileArgs.GlobalDefault(File.ReadAllText(Path.Combine(context, dockerfile)), DockerfileArgs.BaseImageArg),
            Cache = cache,
            ImageArchiveDirectory = archive,
            DockerCertPath = values.Flag(PipelineParameters.DockerTlsVerify) ? ExpandHome(values.Get(PipelineParameters.DockerCertPath)!) : null,
        };
    }

    private static string ExpandHome(string path) =>
        path == "~" || path.StartsWith("~/")
            ? Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), path.TrimStart('~', '/'))
            : Path.GetFullPath(path);
}
