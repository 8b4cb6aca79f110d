using Docker.DotNet.Models;
using Pipeline.Cli;

namespace Pipeline.Docker;

internal sealed class ImageOperations(EngineCalls engine) : IImageOperations
{
    private readonly ImageArchives _archives = new(engine);

    public Task SaveAsync(IReadOnlyList<string> names, Stream destination, CancellationToken cancellation) =>
        _archives.SaveAsync(names, destination, cancellation);

    public Task<IReadOnlyList<string>> LoadAsync(Stream source, CancellationToken cancellation) =>
        _archives.LoadAsync(source, cancellation);

    public async Task<ImageDetails?> InspectAsync(string name, CancellationToken cancellation) =>
        await engine.FindAsync($"GET /images/{name}/json",
            (docker, token) => docker.Images.InspectImageAsync(name, token), cancellation) is { } image
            ? EngineRecords.Details(image)
            : null;

    public async Task PullAsync(string name, RegistryCredentials? credentials, CancellationToken cancellation)
    {
        var image = ImageReference.Parse(name);
        Log.Step($"Pulling {image}");
        var progress = new LayerProgress();
        string? error = null;
        try
        {
            await engine.StreamAsync($"POST /images/create ({image})", async (docker, watchdog) =>
            {
                var sink = new ProgressSink(watchdog, progress.Observe);
                await docker.Images.CreateImageAsync(
                    PullParameters(image), RegistryAuthHeaders.ToAuthConfig(credentials), sink, watchdog.Token);
                error = sink.Error;
            }, cancellation);
        }
        catch (DockerApiException refused)
        {
            // Before any progress the engine still answers with a status code (404 for an unknown image, 500 for an
            // unreachable registry); the registry's own words are in the message either way.
            throw RegistryFailure.ForPull(image, refused.EngineMessage, credentials is null);
        }
        if (error is not null) throw RegistryFailure.ForPull(image, error, credentials is null);
    }

    /// <summary>A digest goes in "tag"; the engine tells them apart by the algorithm prefix.</summary>
    internal static ImagesCreateParameters PullParameters(ImageReference image) =>
        new() { FromImage = image.Repository, Tag = image.Digest ?? image.TagOrLatest };

    public Task TagAsync(string source, string repository, string tag, CancellationToken cancellation) =>
        engine.RunAsync($"POST /images/{source}/tag", (docker, token) =>
            docker.Images.TagImageAsync(source, new ImageTagParameters { RepositoryName = repository, Tag = tag }, token),
            cancellation);

    public Task<bool> RemoveAsync(string name, bool force, CancellationToken cancellation) =>
        engine.RemoveAsync($"DELETE /images/{name}", (docker, token) =>
            docker.Images.DeleteImageAsync(name, new ImageDeleteParameters { Force = force }, token), cancellation);

    public async Task<string> PushAsync(string name, RegistryCredentials? credentials, CancellationToken cancellation)
    {
        var image = ImageReference.Parse(name);
        Log.Step($"Pushing {image}");
        var progress = new LayerProgress();
        string? error = null;
        try
        {
            await engine.StreamAsync($"POST /images/{image.Repository}/push", async (docker, watchdog) =>
            {
                var sink = new ProgressSink(watchdog, progress.Observe);
                await docker.Images.PushImageAsync(image.Repository, PushParameters(image),
                    RegistryAuthHeaders.ToAuthConfig(credentials), sink, watchdog.Token);
                error = sink.Error;
            }, cancellation);
        }
        catch (DockerApiException refused)
        {
            throw RegistryFailure.ForPush(image, refused.EngineMessage, credentials is null);
        }
        if (error is not null) throw RegistryFailure.ForPush(image, error, credentials is null);
        return progress.Digest ?? throw new PipelineException(
            $"Pushing {image} finished but the engine reported no digest",
            "Check the registry; the push may not have been stored.");
    }

    /// <summary>The repository goes in the path, the tag in the query.</summary>
    internal static ImagePushParameters PushParameters(ImageReference image) => new() { Tag = image.TagOrLatest };

    public Task<IReadOnlyList<ImageSummary>> ListAsync(string reference, CancellationToken cancellation) =>
        ListAsync("reference", reference, cancellation);

    public Task<IReadOnlyList<ImageSummary>> ListByLabelAsync(string label, CancellationToken cancellation) =>
        ListAsync("label", label, cancellation);

    private async Task<IReadOnlyList<ImageSummary>> ListAsync(string filter, string value, CancellationToken cancellation)
    {
        var rows = await engine.RunAsync("GET /images/json", (docker, token) => docker.Images.ListImagesAsync(
            new ImagesListParameters { Filters = EngineRecords.Filter(filter, value) }, token), cancellation);
        return rows.Select(EngineRecords.Summary).ToList();
    }
}
