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
    string Registry,
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
    /// <summary>The image tarball cache Restore keeps (directory, compression, further images).</summary>
    public ImageCacheSettings Cache { get; init; } = new(ExpandHome("~/docker"), TarballCompression.Default, []);

    /// <summary>Where DockerBuild archives the tested release image for later jobs; null when not asked for.</summary>
    public string? ImageArchiveDirectory { get; init; }

    public static PipelineSettings From(
        ParameterValues values, string repositoryRoot, Func<string, string?> environment, Func<string[], string?> git)
    {
        var registry = values.Get(PipelineParameters.Registry);
        var isSandbox = registry is null;
        var sandbox = new SandboxProfile(ExpandHome(values.Get(PipelineParameters.SandboxDir)!));
        registry ??= SandboxProfile.Registry;

        var repository = ImageNames.ValidateRepository(
            values.Get(PipelineParameters.Repository)!, values[PipelineParameters.Repository].Origin);
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
            Pick(PipelineParameters.BaseImage, SandboxProfile.NodeImage),
            values.Get(PipelineParameters.CacheBust),
            Pick(PipelineParameters.MysqlImage, SandboxProfile.MysqlImage)!,
            Pick(PipelineParameters.RedisImage, SandboxProfile.RedisImage)!,
            values.Get(PipelineParameters.DockerHost)!)
        {
            Cache = ImageCacheSettings.From(values, ExpandHome),
            ImageArchiveDirectory = values.Get(PipelineParameters.ImageArchiveDir) is { Length: > 0 } archive ? ExpandHome(archive) : null,
        };
    }

    private static string ExpandHome(string path) =>
        path == "~" || path.StartsWith("~/")
            ? Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), path.TrimStart('~', '/'))
            : Path.GetFullPath(path);
}
