using System.IO.Pipelines;

namespace Pipeline.Cache;

/// <summary>
/// Runs a producer and a consumer of one byte stream at the same time, with a few megabytes between them. On two
/// cores the engine writes the next part of a `docker save` while the previous part is being compressed (and, on
/// load, the next part is decompressed while the engine unpacks the last), so the codec hides behind the engine.
/// </summary>
public static class TarballPipe
{
    private const long PauseAt = 8 << 20;
    private const long ResumeAt = 4 << 20;

    public static async Task RunAsync(
        Func<Stream, CancellationToken, Task> produce,
        Func<Stream, CancellationToken, Task> consume,
        CancellationToken cancellation)
    {
        // Large segments: the default 4 KB ones would cut every 128 KB chunk of a save into 32 pieces.
        var pipe = new Pipe(new PipeOptions(pauseWriterThreshold: PauseAt, resumeWriterThreshold: ResumeAt,
            minimumSegmentSize: 64 << 10, useSynchronizationContext: false));
        // When one side fails the other must stop too: a producer writing into a pipe nobody reads would wait forever,
        // and a consumer would wait forever for bytes that never come.
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellation);

        var producer = Task.Run(async () =>
        {
            try
            {
                await using (var writer = pipe.Writer.AsStream(leaveOpen: true)) await produce(writer, stop.Token);
                await pipe.Writer.CompleteAsync();
            }
            catch (Exception e)
            {
                await pipe.Writer.CompleteAsync(e);
                await stop.CancelAsync();
                throw;
            }
        }, CancellationToken.None);

        var consumer = Task.Run(async () =>
        {
            try
            {
                await using (var reader = pipe.Reader.AsStream(leaveOpen: true)) await consume(reader, stop.Token);
                await pipe.Reader.CompleteAsync();
            }
            catch (Exception e)
            {
                await pipe.Reader.CompleteAsync(e);
                await stop.CancelAsync();
                throw;
            }
        }, CancellationToken.None);

        try
        {
            await Task.WhenAll(producer, consumer);
        }
        catch
        {
            // The side that failed first says what went wrong; the other one only saw the cancellation it caused.
            var first = new[] { producer, consumer }
                .Select(t => t.Exception?.InnerException)
                .FirstOrDefault(e => e is not null and not OperationCanceledException);
            if (first is not null && !cancellation.IsCancellationRequested)
                System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(first);
            throw;
        }
    }
}
