using Pipeline.Cli;

namespace Pipeline.Docker;

/// <summary>
/// docker save and docker load: image tarballs to and from the engine, streamed both ways so a multi-gigabyte
/// tarball never sits in memory. Both are guarded by the idle limit, not a total one.
/// </summary>
internal sealed class ImageArchives(DockerApiClient api)
{
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
                "Pull or build the image first; only images in the local engine can be saved.", refused.EngineMessage,
                refused);
        }
        using (response)
        {
            await using var source = await response.Content.ReadAsStreamAsync(watchdog.Token);
            var buffer = new byte[128 * 1024];
            long total = 0;
            try
            {
                int read;
                while ((read = await source.ReadAsync(buffer, watchdog.Token)) > 0)
                {
                    watchdog.Touch();
                    await destination.WriteAsync(buffer.AsMemory(0, read), cancellation);
                    total += read;
                    Log.Progress("save " + what, $"{what}: {LayerProgress.Amount(new JsonProgressDetail { Current = total })} saved");
                }
            }
            catch (OperationCanceledException) when (!cancellation.IsCancellationRequested)
            {
                throw new PipelineException(
                    $"Docker engine sent nothing for {watchdog.Idle.TotalMinutes:0.#} min while saving {what}",
                    "The engine is stuck: check dockerd's log, then retry.");
            }
            Log.Progress("save " + what, $"{what}: {LayerProgress.Amount(new JsonProgressDetail { Current = total })} saved", final: true);
        }
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
                if (message.ErrorMessage is { } error)
                {
                    throw new PipelineException($"Loading the image tarball failed: {error}",
                        "The tarball may be damaged or not from docker save; delete it so it is made again.", error);
                }
                foreach (var line in (message.Stream ?? "").Split('\n', StringSplitOptions.RemoveEmptyEntries))
                {
                    Log.Note(line.Trim());
                    if (line.StartsWith("Loaded image: ", StringComparison.Ordinal)) loaded.Add(line["Loaded image: ".Length..].Trim());
                    else if (line.StartsWith("Loaded image ID: ", StringComparison.Ordinal)) loaded.Add(line["Loaded image ID: ".Length..].Trim());
                }
                progress.Observe(message);
            }
        }
        catch (DockerApiException refused)
        {
            throw new PipelineException($"Loading the image tarball failed: {refused.EngineMessage}",
                "The tarball may be damaged or not from docker save; delete it so it is made again.",
                refused.EngineMessage, refused);
        }
        return loaded;
    }
}
