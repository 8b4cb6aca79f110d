using System.Net.Sockets;
using Pipeline.Docker;

namespace Pipeline.Tests.Docker;

/// <summary>
/// How a failing engine call reads, through the client library, against engines that fail on demand: a socket
/// with nobody behind it, and a fake engine that hangs, stalls or answers with errors a real one will not produce
/// when asked. Errors from the real engine and registry are in the integration tests.
/// </summary>
public sealed class EngineFailureTests
{
    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Engine_gone_fails_with_how_to_start_the_engine()
    {
        using var engine = DockerEngine.Connect($"unix:///tmp/no-engine-{Guid.NewGuid():N}.sock");
        var failure = await Assert.ThrowsAsync<PipelineException>(() => engine.PingAsync(Cancellation));
        Assert.StartsWith("No Docker engine socket at /tmp/no-engine-", failure.Message);
        Assert.Contains("sandbox/up.sh", failure.Fix);
        Assert.Contains("DOCKER_HOST", failure.Fix);
    }

    [Fact]
    public async Task Socket_without_a_listener_fails_as_connection_refused()
    {
        var path = Path.Combine(Path.GetTempPath(), $"dead-docker-{Guid.NewGuid():N}.sock");
        // Bound but never listening: what a crashed dockerd leaves behind.
        using var dead = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        dead.Bind(new UnixDomainSocketEndPoint(path));
        try
        {
            using var engine = DockerEngine.Connect("unix://" + path);
            var failure = await Assert.ThrowsAsync<PipelineException>(() => engine.PingAsync(Cancellation));
            Assert.Contains("connection refused", failure.Message);
            Assert.Contains("sandbox/up.sh", failure.Fix);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public async Task Tcp_port_without_an_engine_fails_as_connection_refused()
    {
        using var engine = DockerEngine.Connect($"tcp://127.0.0.1:{FakeEngine.FreeLoopbackPort()}");
        var failure = await Assert.ThrowsAsync<PipelineException>(() => engine.PingAsync(Cancellation));
        Assert.Contains("connection refused", failure.Message);
        Assert.Contains("DOCKER_HOST", failure.Fix);
    }

    [Fact]
    public async Task Ping_over_tcp_returns_the_engine_api_version()
    {
        await using var fake = new FakeEngine(
            FakeEngine.Status(200, "OK", """{"Version":"20.10.24","ApiVersion":"1.41"}"""), tcp: true);
        using var engine = DockerEngine.Connect(fake.DockerHost);
        Assert.Equal(DockerTransport.Tcp, engine.Endpoint.Transport);
        Assert.Equal("1.41", await engine.PingAsync(Cancellation));
        Assert.StartsWith("GET /v1.41/version ", fake.Requests.Single());
    }

    [Fact]
    public async Task Engine_that_accepts_but_never_answers_fails_on_the_call_limit()
    {
        await using var fake = new FakeEngine("", hangAfterResponse: true);
        using var engine = new DockerEngine(DockerEndpoint.Parse(fake.DockerHost),
            DockerTimeouts.Default with { Metadata = TimeSpan.FromMilliseconds(300) });
        var failure = await Assert.ThrowsAsync<PipelineException>(() =>
            engine.Images.InspectAsync("anything", Cancellation));
        Assert.Equal($"Docker engine at {fake.DockerHost} did not answer GET /images/anything/json within 0.3 s", failure.Message);
        Assert.Contains("dockerd", failure.Fix);
    }

    [Fact]
    public async Task Caller_cancellation_stays_a_cancellation()
    {
        await using var fake = new FakeEngine("", hangAfterResponse: true);
        using var engine = DockerEngine.Connect(fake.DockerHost);
        using var cancel = CancellationTokenSource.CreateLinkedTokenSource(Cancellation);
        cancel.CancelAfter(200);
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => engine.Images.InspectAsync("x", cancel.Token));
    }

    [Fact]
    public async Task Error_line_inside_a_200_build_stream_fails_naming_the_step()
    {
        await using var fake = new FakeEngine(FakeEngine.Stream(
            """{"stream":"Step 1/7 : FROM 127.0.0.1:5000/sandbox/debian:bookworm"}""",
            """{"stream":"\n"}""",
            """{"stream":"Step 3/7 : RUN false"}""",
            """{"stream":"\n"}""",
            """{"errorDetail":{"code":1,"message":"The command '/bin/sh -c false' returned a non-zero code: 1"},"error":"x"}"""));
        var context = DockerEngineFixture.CreateContext(("Dockerfile", "FROM scratch\n"));
        try
        {
            using var engine = DockerEngine.Connect(fake.DockerHost);
            var failure = await Assert.ThrowsAsync<PipelineException>(() =>
                engine.Builds.BuildAsync(new ImageBuildRequest(context), Cancellation));
            Assert.Equal(
                "docker build failed at Step 3/7 : RUN false: The command '/bin/sh -c false' returned a non-zero code: 1",
                failure.Message);
            Assert.Contains("Fix that step", failure.Fix);
        }
        finally
        {
            Directory.Delete(context, recursive: true);
        }
    }

    [Fact]
    public async Task Error_line_inside_a_200_pull_stream_is_classified()
    {
        await using var fake = new FakeEngine(FakeEngine.Stream(
            """{"status":"Pulling from app","id":"1"}""",
            """{"errorDetail":{"message":"unauthorized: authentication required"},"error":"unauthorized: authentication required"}"""));
        using var engine = DockerEngine.Connect(fake.DockerHost);
        var failure = await Assert.ThrowsAsync<PipelineException>(() =>
            engine.Images.PullAsync("127.0.0.1:5000/app:1", null, Cancellation));
        Assert.Contains("authentication failed", failure.Message);
        Assert.Equal("unauthorized: authentication required", failure.Detail);
    }

    [Fact]
    public async Task Stream_that_stalls_fails_on_the_idle_limit()
    {
        await using var fake = new FakeEngine(FakeEngine.Stream("""{"status":"Pulling from app","id":"1"}"""),
            hangAfterResponse: true);
        using var engine = new DockerEngine(DockerEndpoint.Parse(fake.DockerHost),
            DockerTimeouts.Default with { StreamIdle = TimeSpan.FromMilliseconds(500) });
        var failure = await Assert.ThrowsAsync<PipelineException>(() =>
            engine.Images.PullAsync("127.0.0.1:5000/app:1", null, Cancellation));
        Assert.Equal($"Docker engine at {fake.DockerHost} sent nothing for 0.5 s during POST /images/create (127.0.0.1:5000/app:1)",
            failure.Message);
    }

    [Fact]
    public async Task Answer_that_is_not_engine_json_says_something_else_answers()
    {
        await using var fake = new FakeEngine(FakeEngine.Stream("<html>bad gateway</html>"));
        using var engine = DockerEngine.Connect(fake.DockerHost);
        var failure = await Assert.ThrowsAsync<PipelineException>(() =>
            engine.Images.PullAsync("127.0.0.1:5000/app:1", null, Cancellation));
        Assert.StartsWith("The answer to POST /images/create (127.0.0.1:5000/app:1) from unix://", failure.Message);
        Assert.Contains("not a proxy", failure.Fix);
    }

    [Fact]
    public async Task Engine_error_status_carries_the_engine_message()
    {
        await using var fake = new FakeEngine(FakeEngine.Status(500, "Internal Server Error", """{"message":"disk full"}"""));
        using var engine = DockerEngine.Connect(fake.DockerHost);
        var failure = await Assert.ThrowsAsync<DockerApiException>(() =>
            engine.Images.TagAsync("a", "b", "c", Cancellation));
        Assert.Equal("disk full", failure.EngineMessage);
        Assert.Equal(System.Net.HttpStatusCode.InternalServerError, failure.StatusCode);
        Assert.Equal("Docker engine refused POST /images/a/tag: disk full", failure.Message);
    }
}
