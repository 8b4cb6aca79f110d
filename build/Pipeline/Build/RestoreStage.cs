using Pipeline.Cli;
using Pipeline.Docker;
using Pipeline.Registry;

namespace Pipeline.Build;

/// <summary>
/// Restore: the last released image, pulled so its layers seed the build cache (absent on a first run is fine),
/// and the pinned dependency images.
/// </summary>
public sealed class RestoreStage(StageContext context) : IStage
{
    public IEnumerable<string> Describe()
    {
        var settings = context.Settings;
        yield return $"check the Docker engine at {settings.DockerHost} answers";
        yield return $"pull {settings.Images.Latest} for layer cache (absent is fine)";
        yield return $"pull {settings.MysqlImage} unless the engine has it";
        yield return $"pull {settings.RedisImage} unless the engine has it";
    }

    public async Task RunAsync(CancellationToken cancellation)
    {
        var settings = context.Settings;
        var docker = context.Docker;
        var version = await docker.PingAsync(cancellation);
        Log.Note($"Docker engine at {settings.DockerHost} answers (API {version})");
        var login = RegistryLogin.For(settings);

        var pulls = new List<Task> { PullLatestAsync(docker, login, cancellation) };
        pulls.AddRange(new[] { settings.MysqlImage, settings.RedisImage }
            .Select(image => PullDependencyAsync(docker, image, login, cancellation)));
        await Task.WhenAll(pulls);
    }

    private async Task PullLatestAsync(IDockerEngine docker, RegistryCredentials? login, CancellationToken cancellation)
    {
        var latest = context.Settings.Images.Latest;
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

    private static async Task PullDependencyAsync(
        IDockerEngine docker, string image, RegistryCredentials? login, CancellationToken cancellation)
    {
        if (await docker.Images.InspectAsync(image, cancellation) is not null)
        {
            Log.Note($"{image} is already in the engine");
            return;
        }
        var credentials = login is not null && ImageReference.Parse(image).Registry == login.ServerAddress ? login : null;
        await docker.Images.PullAsync(image, credentials, cancellation);
        Log.Note($"pulled {image}");
    }
}
