using System.Net;

namespace Pipeline.Docker;

/// <summary>
/// A request body produced while it is sent (chunked): a build context tar, or an image tarball read from disk. It
/// exists neither in memory nor in a temporary file, and each write tells the watchdog that bytes are still moving.
/// </summary>
internal sealed class StreamedContent : HttpContent
{
    private readonly Func<Stream, CancellationToken, Task> _write;
    private readonly IdleWatchdog _watchdog;

    public StreamedContent(Func<Stream, CancellationToken, Task> write, IdleWatchdog watchdog)
    {
        _write = write;
        _watchdog = watchdog;
        Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/x-tar");
    }

    protected override Task SerializeToStreamAsync(Stream stream, TransportContext? context) =>
        SerializeToStreamAsync(stream, context, CancellationToken.None);

    protected override async Task SerializeToStreamAsync(
        Stream stream, TransportContext? context, CancellationToken cancellationToken)
    {
        await using var watched = new WatchedWriteStream(stream, _watchdog);
        await _write(watched, cancellationToken);
        await watched.FlushAsync(cancellationToken);
    }

    protected override bool TryComputeLength(out long length)
    {
        length = -1;
        return false;
    }
}
