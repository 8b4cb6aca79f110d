using System.Net;

namespace Pipeline.Docker;

// The container calls whose bodies are streams rather than JSON: copying files in, and following a log.
internal sealed partial class ContainerOperations
{
    public async Task CopyArchiveAsync(string name, string directory, byte[] tar, CancellationToken cancellation)
    {
        var request = ArchiveRequest(name, directory);
        using var watchdog = new IdleWatchdog(api.Timeouts.Metadata, cancellation);
        try
        {
            using var response = await api.OpenStreamAsync(request, _ => TarContent(tar), watchdog, cancellation);
        }
        catch (DockerApiException refused) when (refused.StatusCode == HttpStatusCode.NotFound)
        {
            throw new PipelineException($"Cannot copy into {name}:{directory}",
                "The container or that directory does not exist.", refused.EngineMessage, refused);
        }
    }

    internal static DockerRequest ArchiveRequest(string name, string directory) =>
        new DockerRequest(HttpMethod.Put, $"/containers/{DockerRequest.Segment(name)}/archive").With("path", directory);

    public async Task FollowLogsAsync(string name, Action<LogLine> onLine, CancellationToken cancellation)
    {
        var details = await InspectAsync(name, cancellation)
            ?? throw new PipelineException($"No container {name}", "It may have been removed already; list them with docker ps -a.");
        var request = DockerRequest.Get($"/containers/{DockerRequest.Segment(name)}/logs")
            .With("follow", true).With("stdout", true).With("stderr", true);
        // A followed log may rightly stay quiet for hours (a developer watching the database): no idle limit.
        using var watchdog = new IdleWatchdog(Timeout.InfiniteTimeSpan, cancellation);
        using var response = await api.OpenStreamAsync(request, null, watchdog, cancellation);
        await using var stream = await response.Content.ReadAsStreamAsync(cancellation);
        try
        {
            await LogLineReader.ReadAsync(stream, framed: !details.Tty, onLine, cancellation);
        }
        catch (IOException) when (!cancellation.IsCancellationRequested)
        {
            // The engine drops a follow stream when the container is removed under it: the log simply ends.
        }
    }

    private static ByteArrayContent TarContent(byte[] tar)
    {
        var content = new ByteArrayContent(tar);
        content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/x-tar");
        return content;
    }
}
