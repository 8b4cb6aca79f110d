using Pipeline.Docker;

namespace Pipeline.Tests.Docker;

/// <summary>
/// The idle watchdog on request bodies the pipeline streams to the engine (docker load of a cached tarball, a build
/// context): bytes written into the upload (WatchedWriteStream) keep the call alive however long it takes, and an
/// engine that stops taking them fails the call with the pipeline's stall error once the idle limit passes.
/// </summary>
public sealed class UploadStallTests
{
    // The test's own bound, far above the idle limits here: reaching it means no watchdog fired at all.
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(15);

    /// <summary>A tarball's worth of bytes that exist only as they are read.</summary>
    private sealed class ZeroStream(long length) : Stream
    {
        private long _position;

        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => length;

        public override long Position
        {
            get => _position;
            set => throw new NotSupportedException();
        }

        public override int Read(byte[] buffer, int offset, int count)
        {
            var n = (int)Math.Min(count, length - _position);
            Array.Clear(buffer, offset, n);
            _position += n;
            return n;
        }

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }

    private static DockerEngine Engine(UploadReadingEngine fake, TimeSpan idle) =>
        new(DockerEndpoint.Parse(fake.DockerHost), DockerTimeouts.Default with { StreamIdle = idle });

    [Fact]
    public async Task An_upload_the_engine_stops_reading_fails_naming_the_stall()
    {
        // Far more than the socket, the HTTP layer and the body's pipe can hold, so the writer must block.
        await using var fake = new UploadReadingEngine(stopReadingAfter: 256 * 1024, pause: TimeSpan.Zero, readSize: 64 * 1024);
        using var engine = Engine(fake, TimeSpan.FromMilliseconds(500));
        await using var tarball = new ZeroStream(1L << 40);
        using var bound = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        bound.CancelAfter(Bound);

        var failure = await Assert.ThrowsAsync<PipelineException>(() => engine.Images.LoadAsync(tarball, bound.Token));

        Assert.Equal($"Docker engine at {fake.DockerHost} sent nothing for 0.5 s during POST /images/load", failure.Message);
        Assert.Contains("dockerd", failure.Fix);
        // It was a stall in the middle of the upload: the body had started to arrive, and the engine never got it all.
        Assert.StartsWith("POST /v1.41/images/load", fake.RequestLine);
        Assert.True(fake.BodyBytes >= 256 * 1024, $"the engine read only {fake.BodyBytes} bytes of the body");
        Assert.False(fake.BodyComplete);
        Assert.True(tarball.Position < tarball.Length);
    }

    [Fact]
    public async Task An_upload_that_keeps_moving_is_not_stopped_by_the_idle_limit()
    {
        // The engine takes 16 KiB every 20 ms: some 150 reads for this body, so the whole upload lasts several idle
        // limits while no single wait comes near one. Only the writes into the body can keep the watchdog quiet,
        // since the engine answers nothing until the body has arrived.
        await using var fake = new UploadReadingEngine(stopReadingAfter: null, pause: TimeSpan.FromMilliseconds(20), readSize: 16 * 1024,
            answer: FakeEngine.Stream("""{"stream":"Loaded image: sample-app:slow\n"}"""));
        using var engine = Engine(fake, TimeSpan.FromSeconds(1));
        await using var tarball = new ZeroStream(2_500_000);
        using var bound = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        bound.CancelAfter(Bound);

        var loaded = await engine.Images.LoadAsync(tarball, bound.Token);

        Assert.Equal(["sample-app:slow"], loaded);
        Assert.True(fake.BodyComplete);
        Assert.Equal(tarball.Length, tarball.Position);
    }
}
