using Pipeline.Cli;

namespace Pipeline.Docker;

/// <summary>
/// docker save and docker load: image tarballs to and from the engine, streamed both ways so a multi-gigabyte
/// tarball never sits in memory. Both are guarded by the idle limit, not a total one.
/// </summary>
internal sealed class ImageArchives(DockerApiClient api)
{
    private const string LoadedName = "Loaded image: ";
    private const string LoadedId = "Loaded image ID: ";

    public async Task SaveAsync(IReadOnlyList<string> names, Stream destination, CancellationToken cancellation)
    {
        if (names.Count == 0) throw new ArgumentException("Name at least one image to save.", nameof(names));
        var request = DockerRequest.Get("/images/get");
        foreach (var name in names) request = request.With("names", name);
        var what = string.Join(", ", names);
        Log.Step($"Saving {what}");

        using var watchdog = new IdleWatchdog(api.Timeouts.StreamIdle, cancellation);
        HttpResponseMessage response;
        try
        {
            response = await api.OpenStreamAsync(request, body: null, watchdog, cancellation);
        }
        catch (DockerApiException refused)
        {
            throw new PipelineException($"Cannot save {what}: {refused.EngineMessage}",
                "Pull or build the image first; only images in the local engine can be saved.",
                refused.EngineMessage, refused);
        }
        using (response)
        {
            try
            {
                await CopyAsync(response, destination, what, watchdog, cancellation);
            }
            catch (Exception failure) when (failure is OperationCanceledException or IOException or HttpRequestException
                                            && !cancellation.IsCancellationRequested)
            {
                throw new PipelineException(
                    watchdog.Token.IsCancellationRequested
                        ? $"Docker engine sent nothing for {watchdog.Idle.TotalMinutes:0.#} min while saving {what}"
                        : $"Saving {what} broke off: {failure.Message}",
                    "Check dockerd's log and the free disk space, then retry.", failure.Message, failure);
            }
        }
    }

    private static async Task CopyAsync(
        HttpResponseMessage response, Stream destination, string what, IdleWatchdog watchdog,
        CancellationToken cancellation)
    {
        await using var source = await response.Content.ReadAsStreamAsync(watchdog.Token);
        var buffer = new byte[128 * 1024];
        long total = 0;
        int read;
        while ((read = await source.ReadAsync(buffer, watchdog.Token)) > 0)
        {
            watchdog.Touch();
            await destination.WriteAsync(buffer.AsMemory(0, read), cancellation);
            total += read;
            Log.Progress("save " + what, $"{what}:{LayerProgress.Amount(new JsonProgressDetail { Current = total })}");
        }
        Log.Progress("save " + what, $"{what}:{LayerProgress.Amount(new JsonProgressDetail { Current = total })} saved",
            final: true);
    }

    public async Task<IReadOnlyList<string>> LoadAsync(Stream source, CancellationToken cancellation)
    {
        var request = DockerRequest.Post("/images/load").With("quiet", false);
        var loaded = new List<string>();
        var progress = new LayerProgress();
        Log.Step("Loading images from a tarball");
        try
        {
            var messages = api.StreamMessagesAsync(request,
                watchdog => new StreamedContent((target, token) => source.CopyToAsync(target, token), watchdog),
                cancellation);
            await foreach (var message in messages)
            {
                if (message.ErrorMessage is { } error) throw LoadFailure(error, inner: null);
                foreach (var line in (message.Stream ?? "").Split('\n', StringSplitOptions.RemoveEmptyEntries))
                {
                    var text = line.Trim();
                    Log.Note(text);
                    // An untagged image is reported by ID only.
                    if (text.StartsWith(LoadedName, StringComparison.Ordinal)) loaded.Add(text[LoadedName.Length..]);
                    else if (text.StartsWith(LoadedId, StringComparison.Ordinal)) loaded.Add(text[LoadedId.Length..]);
                }
                progress.Observe(message);
            }
        }
        catch (DockerApiException refused)
        {
            throw LoadFailure(refused.EngineMessage, refused);
        }
        return loaded;
    }

    private static PipelineException LoadFailure(string error, Exception? inner) => new(
        $"Loading the image tarball failed: {error}",
        "The tarball may be damaged or not from docker save; delete it so it is made again.", error, inner);
}
