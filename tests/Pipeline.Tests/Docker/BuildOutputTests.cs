using System.Text.Json;
using Docker.DotNet.Models;
using Pipeline.Docker;

namespace Pipeline.Tests.Docker;

public sealed class BuildOutputTests
{
    [Fact]
    public void Error_inside_the_stream_names_the_last_step_and_the_message()
    {
        var output = Feed(
            """{"stream":"Step 1/7 : FROM debian"}""", """{"stream":"\n"}""",
            """{"stream":"Step 2/7 : COPY . /app\n"}""",
            """{"stream":"Step 3/7 : RUN false"}""", """{"stream":"\n"}""",
            """{"stream":" ---\u003e Running in 1f2e3d\n"}""");
        var failure = output.Failure("The command '/bin/sh -c false' returned a non-zero code: 1");
        Assert.Equal(
            "docker build failed at Step 3/7 : RUN false: The command '/bin/sh -c false' returned a non-zero code: 1",
            failure.Message);
    }

    [Fact]
    public void Error_before_any_step_says_so()
    {
        var failure = new BuildOutput().Failure("dockerfile parse error line 2: unknown instruction: FOO");
        Assert.Contains("before the first step", failure.Message);
    }

    [Fact]
    public void Image_id_comes_from_the_aux_message()
    {
        var output = Feed("""{"aux":{"ID":"sha256:0123abcd"}}""",
            """{"stream":"Successfully built 0123abcd0000\n"}""");
        Assert.Equal("sha256:0123abcd", output.Result());
    }

    [Fact]
    public void Image_id_falls_back_to_the_successfully_built_line()
    {
        var output = Feed("""{"stream":"Successfully built 0123abcd0000\n"}""",
            """{"stream":"Successfully tagged app:1\n"}""");
        Assert.Equal("0123abcd0000", output.Result());
    }

    [Fact]
    public void Build_without_an_image_id_is_an_error()
    {
        Assert.Throws<PipelineException>(() => Feed("""{"stream":"Step 1/1 : FROM scratch\n"}""").Result());
    }

    [Fact]
    public void Message_error_is_the_error_detail()
    {
        Assert.Equal("detail", Message("""{"errorDetail":{"code":1,"message":"detail"},"error":"short"}""").ErrorText());
        Assert.Null(Message("""{"stream":"Step 1/1 : FROM scratch\n"}""").ErrorText());
    }

    [Fact]
    public void Error_message_stops_the_sink_and_is_kept_for_the_caller()
    {
        using var watchdog = new IdleWatchdog(TimeSpan.FromMinutes(1), CancellationToken.None);
        var seen = new List<string?>();
        var sink = new ProgressSink(watchdog, message => seen.Add(message.Stream));
        sink.Report(Message("""{"stream":"Step 1/2 : RUN false\n"}"""));
        sink.Report(Message("""{"errorDetail":{"message":"returned a non-zero code: 1"}}"""));
        sink.Report(Message("""{"stream":"after\n"}"""));
        Assert.Equal("returned a non-zero code: 1", sink.Error);
        Assert.Equal(["Step 1/2 : RUN false\n"], seen);
    }

    [Fact]
    public void Push_digest_comes_from_aux_or_the_status_line()
    {
        const string digest = "sha256:4d2c9c5fa7b6bfb7dbbb8bfa6b3b0c7e56c1a2b3c4d5e6f708192a3b4c5d6e7f";
        var fromAux = new LayerProgress();
        foreach (var line in new[]
                 {
                     """{"status":"The push refers to repository [127.0.0.1:5000/app]"}""",
                     """{"status":"Pushing","progressDetail":{"current":512,"total":1024},"id":"a1b2c3"}""",
                     """{"status":"Pushed","progressDetail":{},"id":"a1b2c3"}""",
                     $$$"""{"progressDetail":{},"aux":{"Tag":"1","Digest":"{{{digest}}}","Size":528}}""",
                 })
            fromAux.Observe(Message(line));
        Assert.Equal(digest, fromAux.Digest);

        var fromStatus = new LayerProgress();
        fromStatus.Observe(Message($$"""{"status":"1: digest: {{digest}} size: 528"}"""));
        Assert.Equal(digest, fromStatus.Digest);
    }

    [Theory]
    [InlineData(512L, 1024L, " 512 B / 1.0 KiB")]
    [InlineData(3L * 1024 * 1024, null, " 3.0 MiB")]
    [InlineData(null, null, "")]
    public void Layer_progress_amount_is_human_readable(long? current, long? total, string expected)
    {
        Assert.Equal(expected, LayerProgress.Amount(current, total));
    }

    [Theory]
    [InlineData("manifest for 127.0.0.1:5000/x:1 not found: manifest unknown: manifest unknown", "NotFound")]
    [InlineData("Head \"http://127.0.0.1:5000/v2/x/manifests/1\": no basic auth credentials", "Unauthorized")]
    [InlineData("unauthorized: authentication required", "Unauthorized")]
    [InlineData("Get \"http://127.0.0.1:5999/v2/\": dial tcp 127.0.0.1:5999: connect: connection refused", "Unreachable")]
    [InlineData("An image does not exist locally with the tag: 127.0.0.1:5000/x", "NotFound")]
    [InlineData("something else", "Other")]
    public void Registry_errors_are_classified_by_the_engine_text(string message, string cause)
    {
        Assert.Equal(cause, RegistryFailure.Classify(message).ToString());
    }

    private static BuildOutput Feed(params string[] lines)
    {
        var output = new BuildOutput();
        foreach (var line in lines) output.Observe(Message(line));
        output.Complete();
        return output;
    }

    // The library's own model, read the way its stream reader reads it (by the same JSON names).
    private static JSONMessage Message(string json) => JsonSerializer.Deserialize<JSONMessage>(json)!;
}
