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
    IReadOnlyList<DependencySpec> Dependencies,
    string DockerHost)
{
    /// <summary>The app's name wherever one is needed (containers, lock and env file on the hosts, ECS service, sandbox slot).</summary>
    public required string AppName { get; init; }

    /// <summary>The build arg the base image is passed in (--base-image-arg).</summary>
    public required string BaseImageArg { get; init; }

    /// <summary>The test command's argv, run in the testing image (--test-command).</summary>
    public required IReadOnlyList<string> TestCommand { get; init; }

    /// <summary>Where the test counts come from (--test-report).</summary>
    public required Build.TestReportSource TestReport { get; init; }

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

        var repository = values.Get(PipelineParameters.Repository) ?? RepositoryFromDirectory(repositoryRoot);
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
        var baseImageArg = values.Get(PipelineParameters.BaseImageArg)!;
        var dockerfileDefault = DockerfileArgs.GlobalDefault(File.ReadAllText(Path.Combine(context, dockerfile)), baseImageArg);
        // In the sandbox the build starts from the stand-in of the image it would use; without a stand-in it keeps it.
        var baseImage = isSandbox && !values.IsOverridden(PipelineParameters.BaseImage) &&
                        SandboxProfile.StandIn(values.Get(PipelineParameters.BaseImage) ?? dockerfileDefault) is { } standIn
            ? standIn
            : values.Get(PipelineParameters.BaseImage);
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
            ResolveDependencies(values, isSandbox, Pick),
            values.Get(PipelineParameters.DockerHost)!)
        {
            AppName = values.Get(PipelineParameters.StagingContainer) ?? repository.Split('/')[^1],
            BaseImageArg = baseImageArg,
            TestCommand = CommandLineSetting.Parse(values.Get(PipelineParameters.TestCommand)!),
            TestReport = Build.TestReportSource.Parse(values.Get(PipelineParameters.TestReport)!),
            SandboxReason = choice.Reason,
            TestResultsDirectory = Path.GetFullPath(Path.Combine(repositoryRoot, values.Get(PipelineParameters.TestResultsDir)!)),
            EffectiveBaseImage = baseImage ?? dockerfileDefault,
            Cache = cache,
            ImageArchiveDirectory = archive,
            DockerCertPath = values.Flag(PipelineParameters.DockerTlsVerify) ? ExpandHome(values.Get(PipelineParameters.DockerCertPath)!) : null,
        };
    }

    private static IReadOnlyList<DependencySpec> ResolveDependencies(
        ParameterValues values, bool isSandbox, Func<ParameterDefinition, string, string?> pick)
    {
        if (values.Get(PipelineParameters.Services) is not { } json)
            return DependencySpec.Defaults(
                pick(PipelineParameters.MysqlImage, SandboxProfile.MysqlImage)!, pick(PipelineParameters.RedisImage, SandboxProfile.RedisImage)!);
        var services = ServicesSetting.Parse(json);
        return isSandbox && !values.IsOverridden(PipelineParameters.Services)
            ? services.Select(s => SandboxProfile.StandIn(s.Image) is { } standIn ? s with { Image = standIn } : s).ToList()
            : services;
    }

    /// <summary>The services' images as the project pins them, never the sandbox's stand-ins (CI caches these).</summary>
    public static IReadOnlyList<string> PinnedServiceImages(ParameterValues values) =>
        values.Get(PipelineParameters.Services) is { } json
            ? ServicesSetting.Parse(json).Select(s => s.Image).ToList()
            : DependencySpec.Defaults(values.Get(PipelineParameters.MysqlImage)!, values.Get(PipelineParameters.RedisImage)!).Select(s => s.Image).ToList();

    /// <summary>The checkout's directory name as a repository name: "My_App" gives "my_app".</summary>
    private static string RepositoryFromDirectory(string repositoryRoot)
    {
        var name = Path.GetFileName(Path.TrimEndingDirectorySeparator(Path.GetFullPath(repositoryRoot))).ToLowerInvariant();
        return Pipeline.Registry.ImageNames.IsValidRepository(name) ? name : throw new PipelineException(
            $"The checkout directory's name is not a valid image repository name, so it cannot name the app",
            $"Set \"repository\" in pipeline.json (or AWS_ECR_REPO): {Pipeline.Registry.ImageNames.RepositoryRule}");
    }

    private static string ExpandHome(string path) =>
        path == "~" || path.StartsWith("~/")
            ? Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), path.TrimStart('~', '/'))
            : Path.GetFullPath(path);
}
