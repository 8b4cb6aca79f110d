using System.IO.Pipelines;

namespace Pipeline.Docker;

/// <summary>
/// A request body produced while it is sent: a build context tar, or an image tarball read from disk. It exists
/// neither in memory nor in a temporary file: the producer writes into a pipe whose other end the library sends as
/// the request's content (chunked), and each write tells the idle watchdog that bytes are still moving.
/// </summary>
internal sealed class StreamedBody : IAsyncDisposable
{
    private readonly Pipe _pipe = new();
    private readonly CancellationTokenSource _stop;
    private readonly Task _producing;

    public StreamedBody(Func<Stream, CancellationToken, Task> write, IdleWatchdog watchdog)
    {
        _stop = CancellationTokenSource.CreateLinkedTokenSource(watchdog.Token);
        Content = _pipe.Reader.AsStream();
        _producing = Task.Run(() => ProduceAsync(write, watchdog, _stop.Token));
    }

    /// <summary>What the library sends; reading it fails with the producer's failure (an unreadable context file).</summary>
    public Stream Content { get; }

    private async Task ProduceAsync(Func<Stream, CancellationToken, Task> write, IdleWatchdog watchdog, CancellationToken token)
    {
        try
        {
            await using var target = new WatchedWriteStream(_pipe.Writer.AsStream(leaveOpen: true), watchdog);
            await write(target, token);
            await target.FlushAsync(token);
            await _pipe.Writer.CompleteAsync();
        }
        catch (Exception failure)
        {
            await _pipe.Writer.CompleteAsync(failure);
        }
    }

    public async ValueTask DisposeAsync()
    {
        // The call is over: a producer still writing (the engine stopped reading) has nobody to write for.
        await _stop.CancelAsync();
        await _pipe.Reader.CompleteAsync();
        await _producing;
        _stop.Dispose();
    }
}
