using Pipeline.Config;
using Pipeline.Docker;

namespace Pipeline.Build;

/// <summary>
/// The builds DockerBuild makes, as values: the testing image (dev dependencies, APP_ENV=testing), unless left out,
/// and the release image (staging or production). Both share the production-dependency layers, so the second is quick.
/// </summary>
public static class ImageBuildPlan
{
    public const string RepositoryLabel = "pipeline.repository";
    public const string AppEnvLabel = "pipeline.app-env";

    public static IReadOnlyList<ImageBuildRequest> For(
        PipelineSettings settings, string? commitTime, IReadOnlyList<string> cacheFrom, IReadOnlyList<RegistryCredentials> credentials,
        bool withTesting = true)
    {
        var revision = settings.Revision;
        var labels = new Dictionary<string, string>
        {
            ["org.opencontainers.image.revision"] = revision.Sha,
            ["org.opencontainers.image.ref.name"] = revision.Branch,
            [RepositoryLabel] = settings.Images.Repository,
        };
        // The build time recorded is the commit's: a rebuild of the same commit then gives the same image ID,
        // so Push can tell "already pushed" from "a different image under the same tag".
        if (commitTime is not null) labels["org.opencontainers.image.created"] = commitTime;

        ImageBuildRequest Request(string tag, string appEnv)
        {
            var args = new Dictionary<string, string> { ["APP_ENV"] = appEnv, ["APP_VERSION"] = revision.ShortSha };
            if (settings.BaseImage is { } baseImage) args[settings.BaseImageArg] = baseImage;
            if (settings.CacheBust is { } cacheBust) args["CACHE_BUST"] = cacheBust;
            return new ImageBuildRequest(settings.ContextDirectory)
            {
                Dockerfile = settings.Dockerfile,
                Tags = [tag],
                BuildArgs = args,
                Labels = new Dictionary<string, string>(labels) { [AppEnvLabel] = appEnv },
                CacheFrom = cacheFrom,
                Credentials = credentials,
            };
        }

        var release = Request(settings.Images.Release, settings.ReleaseAppEnv);
        return withTesting ? [Request(settings.Images.Testing, "testing"), release] : [release];
    }

    public static IEnumerable<string> Describe(ImageBuildRequest request)
    {
        yield return $"build {string.Join(", ", request.Tags)} from {request.Dockerfile} (context {request.ContextDirectory})";
        yield return "  build args: " + string.Join(" ", request.BuildArgs.Select(a => $"{a.Key}={a.Value}"));
        yield return "  labels:     " + string.Join(" ", request.Labels.Select(a => $"{a.Key}={a.Value}"));
        yield return "  cache from: " + (request.CacheFrom.Count == 0 ? "(local cache)" : string.Join(", ", request.CacheFrom));
    }
}
