using Docker.DotNet.Models;
using Pipeline.Cli;

namespace Pipeline.Docker;

/// <summary>
/// docker save and docker load: image tarballs to and from the engine, streamed both ways so a multi-gigabyte
/// tarball never sits in memory. Both are guarded by the idle limit, not a total one.
/// </summary>
internal sealed class ImageArchives(EngineCalls engine)
{
    private const string LoadedName = "Loaded image: ";
    private const string LoadedId = "Loaded image ID: ";

    public async Task SaveAsync(IReadOnlyList<string> names, Stream destination, CancellationToken cancellation)
    {
        if (names.Count == 0) throw new ArgumentException("Name at least one image to save.", nameof(names));
        var what = string.Join(", ", names);
        Log.Step($"Saving {what}");
        try
        {
            await engine.StreamAsync($"GET /images/get ({what})", async (docker, watchdog) =>
            {
                await using var tarball = await docker.Images.SaveImagesAsync([.. names], watchdog.Token);
                await CopyAsync(tarball, destination, what, watchdog, cancellation);
            }, cancellation);
        }
        catch (DockerApiException refused)
        {
            throw new PipelineException($"Cannot save {what}: {refused.EngineMessage}",
                "Pull or build the image first; only images in the local engine can be saved.",
                refused.EngineMessage, refused);
        }
    }

    private static async Task CopyAsync(
        Stream source, Stream destination, string what, IdleWatchdog watchdog, CancellationToken cancellation)
    {
        var buffer = new byte[128 * 1024];
        long total = 0;
        int read;
        while ((read = await source.ReadAsync(buffer, watchdog.Token)) > 0)
        {
            watchdog.Touch();
            try
            {
                await destination.WriteAsync(buffer.AsMemory(0, read), cancellation);
            }
            catch (IOException full)
            {
                // Our side, not the engine's: said apart, so it is not reported as a broken engine connection.
                throw new PipelineException($"Writing the tarball of {what} failed: {full.Message}",
                    "Check the free disk space and the permissions of the directory it goes to, then retry.",
                    full.Message, full);
            }
            total += read;
            Log.Progress("save " + what, $"{what}:{LayerProgress.Amount(total, null)}");
        }
        Log.Progress("save " + what, $"{what}:{LayerProgress.Amount(total, null)} saved", final: true);
    }

    public async Task<IReadOnlyList<string>> LoadAsync(Stream source, CancellationToken cancellation)
    {
        var loaded = new List<string>();
        var progress = new LayerProgress();
        Log.Step("Loading images from a tarball");
        string? error = null;
        try
        {
            await engine.StreamAsync("POST /images/load", async (docker, watchdog) =>
            {
                await using var body = new StreamedBody((target, token) => source.CopyToAsync(target, token), watchdog);
                var sink = new ProgressSink(watchdog, message =>
                {
                    Loaded(message, loaded);
                    progress.Observe(message);
                });
                await docker.Images.LoadImageAsync(new ImageLoadParameters { Quiet = false }, body.Content, sink, watchdog.Token);
                error = sink.Error;
            }, cancellation);
        }
        catch (DockerApiException refused)
        {
            throw LoadFailure(refused.EngineMessage, refused);
        }
        if (error is not null) throw LoadFailure(error, inner: null);
        return loaded;
    }

    // An untagged image is reported by ID only.
    private static void Loaded(JSONMessage message, List<string> loaded)
    {
        foreach (var line in (message.Stream ?? "").Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            var text = line.Trim();
            Log.Note(text);
            if (text.StartsWith(LoadedName, StringComparison.Ordinal)) loaded.Add(text[LoadedName.Length..]);
            else if (text.StartsWith(LoadedId, StringComparison.Ordinal)) loaded.Add(text[LoadedId.Length..]);
        }
    }

    private static PipelineException LoadFailure(string error, Exception? inner) => new(
        $"Loading the image tarball failed: {error}",
        "The tarball may be damaged or not from docker save; delete it so it is made again.", error, inner);
}
