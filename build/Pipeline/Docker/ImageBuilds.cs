using System.Text.Json;
using Docker.DotNet.Models;
using Pipeline.Cli;

namespace Pipeline.Docker;

internal sealed class ImageBuilds(EngineCalls engine) : IImageBuilds
{
    public async Task<string> BuildAsync(ImageBuildRequest request, CancellationToken cancellation)
    {
        var tar = await BuildContextTar.CreateAsync(request.ContextDirectory, request.Dockerfile, cancellation);
        var parameters = Parameters(request with { Dockerfile = tar.Dockerfile });
        Log.Step($"Building {(request.Tags.Count > 0 ? string.Join(", ", request.Tags) : "an image")} " +
                 $"from {tar.Dockerfile} in {tar.ContextDirectory}");
        var output = new BuildOutput();
        string? error = null;
        try
        {
            await engine.StreamAsync("POST /build", async (docker, watchdog) =>
            {
                await using var body = new StreamedBody(tar.WriteAsync, watchdog);
                var progress = new ProgressSink(watchdog, output.Observe);
                await docker.Images.BuildImageFromDockerfileAsync(
                    parameters, body.Content, authConfigs: null, Headers(request), progress, watchdog.Token);
                error = progress.Error;
            }, cancellation);
        }
        catch (DockerApiException refused)
        {
            // Errors before the first step (an unreadable Dockerfile, a bad option) come as an error status.
            throw output.Failure(refused.EngineMessage);
        }
        // A failing step comes inside the 200 response, as a message after that step's output.
        if (error is not null) throw output.Failure(error);
        output.Complete();
        return output.Result();
    }

    /// <summary>The POST /build parameters for a request (its body is the context tar).</summary>
    internal static ImageBuildParameters Parameters(ImageBuildRequest request) => new()
    {
        Dockerfile = request.Dockerfile,
        Tags = request.Tags.Count > 0 ? [.. request.Tags] : null,
        BuildArgs = request.BuildArgs.Count > 0 ? new Dictionary<string, string>(request.BuildArgs) : null,
        Labels = request.Labels.Count > 0 ? new Dictionary<string, string>(request.Labels) : null,
        // The engine reads cachefrom as one JSON array, but the library sends one cachefrom= per list item; so the
        // list holds one item, the array ("invalid character 'p' looking for beginning of value" otherwise).
        CacheFrom = request.CacheFrom.Count > 0 ? [JsonSerializer.Serialize(request.CacheFrom)] : null,
        Target = request.Target,
        Pull = request.Pull ? "true" : null,
        NoCache = request.NoCache,
        // Intermediate containers are removed even when a step fails, so failed builds leave nothing behind.
        Remove = true,
        ForceRemove = true,
    };

    /// <summary>
    /// The registry logins a FROM may need. The library would encode them itself, but in standard base64, which
    /// the engine (reading base64url and dropping what it cannot decode) silently ignores whenever the text
    /// holds '+' or '/'; so the header is ours and replaces the library's.
    /// </summary>
    internal static Dictionary<string, string>? Headers(ImageBuildRequest request) => request.Credentials.Count == 0
        ? null
        : new Dictionary<string, string>
        {
            [RegistryAuthHeaders.ConfigHeader] = RegistryAuthHeaders.RegistryConfig(request.Credentials).Reveal(),
        };
}
