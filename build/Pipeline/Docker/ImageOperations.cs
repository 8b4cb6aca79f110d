using System.Text.Json;
using Pipeline.Cli;

namespace Pipeline.Docker;

internal sealed class ImageOperations(DockerApiClient api) : IImageOperations
{
    private readonly ImageArchives _archives = new(api);

    public Task SaveAsync(IReadOnlyList<string> names, Stream destination, CancellationToken cancellation) =>
        _archives.SaveAsync(names, destination, cancellation);

    public Task<IReadOnlyList<string>> LoadAsync(Stream source, CancellationToken cancellation) =>
        _archives.LoadAsync(source, cancellation);

    public async Task<ImageDetails?> InspectAsync(string name, CancellationToken cancellation)
    {
        var wire = await api.GetJsonAsync<ImageInspectWire>(
            DockerRequest.Get($"/images/{DockerRequest.Segment(name)}/json"), cancellation, nullOn404: true);
        return wire?.ToDetails();
    }

    public async Task PullAsync(string name, RegistryCredentials? credentials, CancellationToken cancellation)
    {
        var image = ImageReference.Parse(name);
        var request = PullRequest(image, credentials);
        Log.Step($"Pulling {image}");
        var progress = new LayerProgress();
        try
        {
            await foreach (var message in api.StreamMessagesAsync(request, body: null, cancellation))
            {
                if (message.ErrorMessage is { } error) throw RegistryFailure.ForPull(image, error, credentials is null);
                progress.Observe(message);
            }
        }
        catch (DockerApiException refused)
        {
            // Before any progress the engine still answers with a status code (404 for an unknown image, 500 for an
            // unreachable registry); the registry's own words are in the message either way.
            throw RegistryFailure.ForPull(image, refused.EngineMessage, credentials is null);
        }
    }

    internal static DockerRequest PullRequest(ImageReference image, RegistryCredentials? credentials)
    {
        var request = DockerRequest.Post("/images/create").With("fromImage", image.Repository);
        // A digest goes in "tag"; the engine tells them apart by the algorithm prefix.
        request = request.With("tag", image.Digest ?? image.TagOrLatest);
        return request.WithHeader(RegistryAuthHeaders.AuthHeader, RegistryAuthHeaders.RegistryAuth(credentials));
    }

    public async Task TagAsync(string source, string repository, string tag, CancellationToken cancellation)
    {
        var request = DockerRequest.Post($"/images/{DockerRequest.Segment(source)}/tag")
            .With("repo", repository).With("tag", tag);
        await api.SendAsync(request, cancellation);
    }

    public async Task<bool> RemoveAsync(string name, bool force, CancellationToken cancellation)
    {
        var request = DockerRequest.Delete($"/images/{DockerRequest.Segment(name)}").With("force", force);
        return await api.SendAsync(request, cancellation, nullOn404: true) is not null;
    }

    public async Task<string> PushAsync(string name, RegistryCredentials? credentials, CancellationToken cancellation)
    {
        var image = ImageReference.Parse(name);
        var request = PushRequest(image, credentials);
        Log.Step($"Pushing {image}");
        var progress = new LayerProgress();
        try
        {
            await foreach (var message in api.StreamMessagesAsync(request, body: null, cancellation))
            {
                if (message.ErrorMessage is { } error) throw RegistryFailure.ForPush(image, error, credentials is null);
                progress.Observe(message);
            }
        }
        catch (DockerApiException refused)
        {
            throw RegistryFailure.ForPush(image, refused.EngineMessage, credentials is null);
        }
        return progress.Digest ?? throw new PipelineException(
            $"Pushing {image} finished but the engine reported no digest",
            "Check the registry; the push may not have been stored.");
    }

    internal static DockerRequest PushRequest(ImageReference image, RegistryCredentials? credentials) =>
        DockerRequest.Post($"/images/{DockerRequest.Segment(image.Repository)}/push")
            .With("tag", image.TagOrLatest)
            .WithHeader(RegistryAuthHeaders.AuthHeader, RegistryAuthHeaders.RegistryAuth(credentials));

    public Task<IReadOnlyList<ImageSummary>> ListAsync(string reference, CancellationToken cancellation) =>
        ListAsync("reference", reference, cancellation);

    public Task<IReadOnlyList<ImageSummary>> ListByLabelAsync(string label, CancellationToken cancellation) =>
        ListAsync("label", label, cancellation);

    private async Task<IReadOnlyList<ImageSummary>> ListAsync(
        string filter, string value, CancellationToken cancellation)
    {
        var filters = JsonSerializer.Serialize(new Dictionary<string, string[]> { [filter] = [value] });
        var rows = await api.GetJsonAsync<List<ImageSummaryWire>>(
            DockerRequest.Get("/images/json").With("filters", filters), cancellation);
        return rows is null ? [] : rows.Select(row => row.ToSummary()).ToList();
    }
}
