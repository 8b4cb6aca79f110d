using System.Text.Json;
using Pipeline.Cli;

namespace Pipeline.Docker;

internal sealed class ImageBuilds(DockerApiClient api) : IImageBuilds
{
    public async Task<string> BuildAsync(ImageBuildRequest request, CancellationToken cancellation)
    {
        var tar = await BuildContextTar.CreateAsync(request.ContextDirectory, request.Dockerfile, cancellation);
        var call = ToDockerRequest(request with { Dockerfile = tar.Dockerfile });
        Log.Step($"Building {(request.Tags.Count > 0 ? string.Join(", ", request.Tags) : "an image")} " +
                 $"from {tar.Dockerfile} in {tar.ContextDirectory}");
        var output = new BuildOutput();
        try
        {
            var messages = api.StreamMessagesAsync(
                call, watchdog => new StreamedContent(tar.WriteAsync, watchdog), cancellation);
            await foreach (var message in messages)
            {
                if (message.ErrorMessage is { } error) throw output.Failure(error);
                output.Observe(message);
            }
        }
        catch (DockerApiException refused)
        {
            // Errors before the first step (an unreadable Dockerfile, a bad option) come as an error status.
            throw output.Failure(refused.EngineMessage);
        }
        output.Complete();
        return output.Result();
    }

    /// <summary>The POST /build call for a request, without its body.</summary>
    internal static DockerRequest ToDockerRequest(ImageBuildRequest request)
    {
        var call = DockerRequest.Post("/build").With("dockerfile", request.Dockerfile);
        foreach (var tag in request.Tags) call = call.With("t", tag);
        if (request.BuildArgs.Count > 0) call = call.With("buildargs", JsonSerializer.Serialize(request.BuildArgs));
        if (request.Labels.Count > 0) call = call.With("labels", JsonSerializer.Serialize(request.Labels));
        if (request.CacheFrom.Count > 0) call = call.With("cachefrom", JsonSerializer.Serialize(request.CacheFrom));
        call = call.With("target", request.Target)
            .With("pull", request.Pull)
            .With("nocache", request.NoCache)
            // Intermediate containers are removed even when a step fails, so failed builds leave nothing behind.
            .With("rm", true)
            .With("forcerm", true);
        if (request.Credentials.Count > 0)
        {
            call = call.WithHeader(RegistryAuthHeaders.ConfigHeader,
                RegistryAuthHeaders.RegistryConfig(request.Credentials));
        }
        return call;
    }
}
