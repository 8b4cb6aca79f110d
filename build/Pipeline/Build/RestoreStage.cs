using Pipeline.Cache;
using Pipeline.Cli;
using Pipeline.Docker;

namespace Pipeline.Build;

/// <summary>
/// Restore: the last released image, pulled so its layers seed the build cache (absent on a first run is fine),
/// and the pinned dependency images, through the image tarball cache.
/// </summary>
public sealed class RestoreStage(StageContext context) : IStage
{
    public IEnumerable<string> Describe()
    {
        var settings = context.Settings;
        yield return $"check the Docker engine at {settings.DockerHost} answers";
        yield return settings.Images.Latest is { } latest
            ? $"pull {latest} for layer cache (absent is fine)"
            : "no registry configured: no last release to seed the build cache";
        foreach (var line in ImageTarballCache.Describe(settings.Cache, CachedImages)) yield return line;
    }

    public async Task RunAsync(CancellationToken cancellation)
    {
        var settings = context.Settings;
        var docker = context.Docker;
        var version = await docker.PingAsync(cancellation);
        Log.Note($"Docker engine at {settings.DockerHost} answers (API {version})");
        var login = await context.RegistryLoginAsync(cancellation);

        // The latest pull and the cache's work are independent: the engine interleaves the downloads.
        var cached = Cache(login).RestoreAsync(CachedImages, cancellation);
        await Task.WhenAll(PullLatestAsync(docker, login, cancellation), cached);
        RunSummary.Add("image cache: " + string.Join(", ", (await cached).Select(image => $"{image.Reference} {Describe(image.Outcome)}")));
    }

    private static string Describe(CacheOutcome outcome) => outcome switch
    {
        CacheOutcome.AlreadyInEngine => "already in the engine",
        CacheOutcome.LoadedFromCache => "loaded from cache",
        CacheOutcome.SavedFromEngine => "saved to cache",
        _ => "pulled and saved to cache",
    };

    /// <summary>
    /// The dependency images, the build's base image (outside the sandbox, whose stand-ins live in its own
    /// registry), then any further ones named by --cache-images.
    /// </summary>
    private IReadOnlyList<string> CachedImages
    {
        get
        {
            var settings = context.Settings;
            var baseImage = settings.IsSandbox ? null : settings.EffectiveBaseImage;
            return [.. settings.Dependencies.Select(d => d.Image), .. baseImage is null ? Array.Empty<string>() : [baseImage], .. settings.Cache.ExtraImages];
        }
    }

    // Only the app registry's login is known; an image from any other registry is pulled anonymously.
    private ImageTarballCache Cache(RegistryCredentials? login) => new(
        context.Docker, context.Settings.Cache,
        image => login is not null && image.Registry == login.ServerAddress ? login : null);

    private async Task PullLatestAsync(IDockerEngine docker, RegistryCredentials? login, CancellationToken cancellation)
    {
        if (context.Settings.Images.Latest is not { } latest)
        {
            Log.Note("no registry configured: building without the last release's layers");
            return;
        }
        try
        {
            await docker.Images.PullAsync(latest, login, cancellation);
            Log.Note($"pulled {latest} for layer cache");
        }
        catch (ImageNotFoundException)
        {
            Log.Note($"{latest} is not in the registry yet (no release so far): building without its layers");
        }
    }
}
