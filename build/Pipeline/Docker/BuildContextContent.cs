using System.Net;

namespace Pipeline.Docker;

/// <summary>
/// The request body of a build: the context tar, produced while it is sent (chunked), so it exists neither in
/// memory nor on disk. Each write tells the watchdog that bytes are still moving.
/// </summary>
internal sealed class BuildContextContent : HttpContent
{
    private readonly BuildContextTar _tar;
    private readonly IdleWatchdog _watchdog;

    public BuildContextContent(BuildContextTar tar, IdleWatchdog watchdog)
    {
        _tar = tar;
        _watchdog = watchdog;
        Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/x-tar");
    }

    protected override Task SerializeToStreamAsync(Stream stream, TransportContext? context) =>
        SerializeToStreamAsync(stream, context, CancellationToken.None);

    protected override async Task SerializeToStreamAsync(
        Stream stream, TransportContext? context, CancellationToken cancellationToken)
    {
        await using var watched = new WatchedWriteStream(stream, _watchdog);
        await _tar.WriteAsync(watched, cancellationToken);
        await watched.FlushAsync(cancellationToken);
    }

    protected override bool TryComputeLength(out long length)
    {
        length = -1;
        return false;
    }
}
