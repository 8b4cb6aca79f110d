using System.Text;
using Pipeline.Build;
using Pipeline.Cli;
using Pipeline.Config;
using Pipeline.Deps;
using Pipeline.Docker;
using Pipeline.Tests.Config;

namespace Pipeline.Tests.Deps;

/// <summary>
/// The deps targets a developer runs by hand (DepsDown, DepsLogs) and --keep-deps, as their stages run in a build,
/// against the real engine and the sandbox's Redis image. Each test's stages get a naming prefix of their own
/// (StageContext.DepsNaming) and any free host port, so they never touch the default pipeline-* containers.
/// These tests fail, never skip, without the engine or the image (sandbox/up.sh provides both).
/// </summary>
public sealed class DepsTargetsTests : IAsyncLifetime
{
    private static readonly TargetGraph Graph = new([new TargetInfo("Test", "", [])], "Test");
    private readonly DockerEngine _engine = DockerEngine.FromEnvironment();
    private readonly TestRepository _repository = new();
    private readonly string _unique = Guid.NewGuid().ToString("N")[..10];
    private readonly List<string> _tags = [];

    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    private DepsNaming Naming => new($"deps-{_unique}", AnyHostPort: true);

    private DepsNaming OtherNaming => new($"other-{_unique}", AnyHostPort: true);

    public async ValueTask InitializeAsync()
    {
        try
        {
            await _engine.PingAsync(Cancellation);
        }
        catch (PipelineException e)
        {
            throw new InvalidOperationException($"These tests need the Docker engine: {e.Message}. Run sandbox/up.sh.", e);
        }
        if (await _engine.Images.InspectAsync(SandboxProfile.RedisImage, Cancellation) is null)
            throw new InvalidOperationException($"{SandboxProfile.RedisImage} is not in the engine: run sandbox/up.sh (it builds and keeps it).");
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var prefix in new[] { Naming.Prefix, OtherNaming.Prefix })
        {
            foreach (var c in await _engine.Containers.ListByLabelAsync($"{DepsPlan.DepsLabel}={prefix}", default))
                await _engine.Containers.RemoveAsync(c.Id, default);
            foreach (var n in await _engine.Networks.ListByLabelAsync($"{DepsPlan.DepsLabel}={prefix}", default))
                await _engine.Networks.RemoveAsync(n.Id, default);
        }
        foreach (var tag in _tags) await _engine.Images.RemoveAsync(tag, force: false, default);
        _engine.Dispose();
        _repository.Dispose();
    }

    /// <summary>Redis services by alias, ready when they answer PING; no schema.</summary>
    private static string Services(params string[] aliases) =>
        "{" + string.Join(",", aliases.Select(alias =>
            $$"""
              "{{alias}}": { "image": "{{SandboxProfile.RedisImage}}", "port": 6379, "ready": { "resp-ping": true } }
              """)) + "}";

    private PipelineSettings Settings(string services, params (string Name, string Value)[] more)
    {
        var environment = new Dictionary<string, string>
        {
            ["PIPELINE_SANDBOX"] = "off",
            ["DEPS_SERVICES"] = services,
            ["DEPS_TIMEOUT"] = "60",
        };
        foreach (var (name, value) in more) environment[name] = value;
        return _repository.Resolve(environment);
    }

    private StageContext Context(PipelineSettings settings, string run, DepsNaming? naming = null) =>
        new(settings, $"{run}-{_unique}", () => _engine, Graph) { DepsNaming = naming ?? Naming };

    private async Task<string> RedisAsync(string container, params string[] command)
    {
        var result = await _engine.Containers.ExecAsync(container, ["redis-cli", .. command], TimeSpan.FromSeconds(20), Cancellation);
        Assert.True(result.ExitCode == 0, result.Stderr);
        return result.Stdout.Trim();
    }

    private async Task<IReadOnlyList<string>> ContainersAsync(DepsNaming naming) =>
        [.. (await _engine.Containers.ListByLabelAsync($"{DepsPlan.DepsLabel}={naming.Prefix}", Cancellation)).Select(c => c.Id)];

    private async Task<IReadOnlyList<string>> NetworksAsync(DepsNaming naming) =>
        [.. (await _engine.Networks.ListByLabelAsync($"{DepsPlan.DepsLabel}={naming.Prefix}", Cancellation)).Select(n => n.Name)];

    /// <summary>The sandbox's Redis image under the testing image's name: it has sh and redis-cli, all a test command here needs.</summary>
    private async Task TagTestingImageAsync(PipelineSettings settings)
    {
        var testing = ImageReference.Parse(settings.Images.Testing);
        await _engine.Images.TagAsync(SandboxProfile.RedisImage, testing.Repository, testing.Tag!, Cancellation);
        _tags.Add(settings.Images.Testing);
    }

    [Fact]
    public async Task DepsDown_removes_the_containers_and_networks_of_every_run_with_its_prefix_and_nothing_else()
    {
        // Two runs under this prefix (a DepsUp's, and a Test's kept with --keep-deps), and a run under another prefix.
        var first = Context(Settings(Services("cache")), "up");
        await new StartDepsStage(first).RunAsync(Cancellation);
        var second = Context(Settings(Services("queue")), "kept");
        await new StartDepsStage(second).RunAsync(Cancellation);
        var other = Context(Settings(Services("cache")), "other", OtherNaming);
        await new StartDepsStage(other).RunAsync(Cancellation);
        Assert.Equal(2, (await ContainersAsync(Naming)).Count);
        Assert.Equal(2, (await NetworksAsync(Naming)).Count);

        await new DepsDownStage(Context(Settings(Services("cache")), "down")).RunAsync(Cancellation);

        Assert.Empty(await ContainersAsync(Naming));
        Assert.Empty(await NetworksAsync(Naming));
        Assert.Null(await _engine.Containers.InspectAsync($"{Naming.Prefix}-cache", Cancellation));
        Assert.Null(await _engine.Networks.InspectAsync(DepsPlan.For(first.Settings, first.RunId, Naming).Network, Cancellation));
        var untouched = await _engine.Containers.InspectAsync($"{OtherNaming.Prefix}-cache", Cancellation);
        Assert.True(untouched is { State.Running: true }, "DepsDown removed another prefix's container");
        Assert.Equal([DepsPlan.For(other.Settings, other.RunId, OtherNaming).Network], await NetworksAsync(OtherNaming));
    }

    [Fact]
    public async Task Test_with_keep_deps_leaves_the_services_it_used_running_on_their_network()
    {
        var marker = "kept-" + _unique;
        var settings = Settings(Services("cache"),
            ("KEEP_DEPS", "true"),
            ("PIPELINE_SHA", Convert.ToHexStringLower(Guid.NewGuid().ToByteArray()) + "00000000"),
            ("TEST_COMMAND", $$"""["sh", "-c", "redis-cli -h \"$CACHE_HOST\" -p \"$CACHE_PORT\" set marker {{marker}}"]"""));
        await TagTestingImageAsync(settings);
        var context = Context(settings, "keep");
        var plan = DepsPlan.For(settings, context.RunId, Naming);

        await new StartDepsStage(context).RunAsync(Cancellation);
        await new TestStage(context).RunAsync(Cancellation);

        var cache = await _engine.Containers.InspectAsync(plan.Service("cache").ContainerName, Cancellation);
        Assert.True(cache is { State.Running: true }, "the service container was removed despite --keep-deps");
        Assert.Contains(plan.Network, cache!.NetworkAddresses.Keys);
        Assert.NotNull(await _engine.Networks.InspectAsync(plan.Network, Cancellation));
        // The very service the test command wrote to, with what it wrote.
        Assert.Equal(marker, await RedisAsync(plan.Service("cache").ContainerName, "get", "marker"));
        // The test container itself goes either way.
        Assert.Equal([cache.Id], await ContainersAsync(Naming));
    }

    [Fact]
    public async Task Test_without_keep_deps_removes_the_services_and_their_network()
    {
        var settings = Settings(Services("cache"),
            ("PIPELINE_SHA", Convert.ToHexStringLower(Guid.NewGuid().ToByteArray()) + "00000000"),
            ("TEST_COMMAND", """["sh", "-c", "redis-cli -h \"$CACHE_HOST\" -p \"$CACHE_PORT\" ping"]"""));
        await TagTestingImageAsync(settings);
        var context = Context(settings, "nokeep");
        await new StartDepsStage(context).RunAsync(Cancellation);
        Assert.NotEmpty(await ContainersAsync(Naming));

        await new TestStage(context).RunAsync(Cancellation);

        Assert.Empty(await ContainersAsync(Naming));
        Assert.Empty(await NetworksAsync(Naming));
    }

    [Fact]
    public async Task StartDeps_that_fails_with_keep_deps_leaves_what_it_started_for_debugging()
    {
        // Never ready: the probe command fails every time, so StartDeps fails at its 1 s timeout.
        var services = $$"""{ "cache": { "image": "{{SandboxProfile.RedisImage}}", "port": 6379, "ready": { "exec": ["false"] } } }""";
        var kept = Context(Settings(services, ("KEEP_DEPS", "true"), ("DEPS_TIMEOUT", "1")), "failkept");
        await Assert.ThrowsAsync<PipelineException>(() => new StartDepsStage(kept).RunAsync(Cancellation));
        var left = await _engine.Containers.InspectAsync($"{Naming.Prefix}-cache", Cancellation);
        Assert.True(left is { State.Running: true }, "--keep-deps did not keep the service that failed to become ready");
        Assert.Equal(kept.RunId, left!.Labels[DepsPlan.RunIdLabel]);

        var removed = Context(Settings(services, ("DEPS_TIMEOUT", "1")), "failgone");
        await Assert.ThrowsAsync<PipelineException>(() => new StartDepsStage(removed).RunAsync(Cancellation));
        Assert.Empty(await ContainersAsync(Naming));
        Assert.Empty(await NetworksAsync(Naming));
    }

    [Fact]
    public async Task DepsLogs_follows_every_service_live_each_line_prefixed_with_its_alias_until_cancelled()
    {
        var context = Context(Settings(Services("cache", "sessions")), "logs");
        var plan = DepsPlan.For(context.Settings, context.RunId, Naming);
        await new StartDepsStage(context).RunAsync(Cancellation);

        var captured = new StringWriter();
        var output = TextWriter.Synchronized(captured);
        var console = Log.Out;
        Log.Out = output;
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(Cancellation);
        Task following;
        try
        {
            following = new DepsLogsStage(context).RunAsync(stop.Token);
            await WaitForAsync(captured, output, "following the dependency logs");

            // Lines written to each container's stdout and stderr after DepsLogs started: only following gets them.
            foreach (var (alias, stream) in new[] { ("cache", 1), ("sessions", 2) })
            {
                var wrote = await _engine.Containers.ExecAsync(plan.Service(alias).ContainerName,
                    ["sh", "-c", $"echo '{alias} says {_unique}' > /proc/1/fd/{stream}"], TimeSpan.FromSeconds(20), Cancellation);
                Assert.True(wrote.ExitCode == 0, wrote.Stderr);
            }
            await WaitForAsync(captured, output, $"cache    | cache says {_unique}");
            await WaitForAsync(captured, output, $"sessions | sessions says {_unique}");
            await stop.CancelAsync();
            await following.WaitAsync(TimeSpan.FromSeconds(30), Cancellation);
        }
        finally
        {
            Log.Out = console;
        }
        Assert.True(following.IsCompletedSuccessfully, "DepsLogs did not end quietly when cancelled");
        // The services' own log lines came through as well, each under its alias.
        var lines = captured.ToString().Split('\n');
        Assert.Contains(lines, line => line.StartsWith("cache    | ", StringComparison.Ordinal) && line.Contains("Ready to accept connections"));
        Assert.Contains(lines, line => line.StartsWith("sessions | ", StringComparison.Ordinal) && line.Contains("Ready to accept connections"));
    }

    [Fact]
    public async Task DepsLogs_with_no_dependency_containers_fails_saying_how_to_start_them()
    {
        var failure = await Assert.ThrowsAsync<PipelineException>(() =>
            new DepsLogsStage(Context(Settings(Services("cache")), "nologs")).RunAsync(Cancellation));
        Assert.Equal("No dependency containers to follow", failure.Message);
        Assert.Contains("DepsUp", failure.Fix);
    }

    private static async Task WaitForAsync(StringWriter captured, TextWriter output, string text)
    {
        // Bounded so a path that never prints fails the test instead of hanging it; no timing is asserted.
        for (var waited = 0; waited < 300; waited++)
        {
            // The synchronized writer locks itself while writing.
            lock (output)
            {
                if (captured.ToString().Contains(text, StringComparison.Ordinal)) return;
            }
            await Task.Delay(100, Cancellation);
        }
        throw new Xunit.Sdk.XunitException($"never printed: {text}\n--- printed:\n{captured}");
    }
}
