using Pipeline.Config;
using Pipeline.Deps;
using Pipeline.Docker;
using Pipeline.Tests.EndToEnd;

namespace Pipeline.Tests.Deps;

/// <summary>
/// The dependency containers against the real engine and the sandbox's MySQL and Redis images. Each test has its own
/// naming prefix and lets the engine pick the host ports, so it never meets a developer's deps or another test's.
/// These tests fail, never skip, without the engine or the images (sandbox/up.sh provides both).
/// </summary>
public sealed class DepsIntegrationTests : IAsyncLifetime
{
    private static readonly string Schema = Path.Combine(BuildScript.RepositoryRoot, "docker", "database.sql");
    private static readonly IReadOnlyDictionary<string, string> Schemas = new Dictionary<string, string> { ["mysql"] = Schema };
    private readonly DockerEngine _engine = DockerEngine.FromEnvironment();
    private readonly string _runId = "it-" + Guid.NewGuid().ToString("N")[..10];

    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    private DepsNaming Naming => new($"deps-{_runId}", AnyHostPort: true);

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
        foreach (var image in new[] { SandboxProfile.MysqlImage, SandboxProfile.RedisImage })
        {
            if (await _engine.Images.InspectAsync(image, Cancellation) is null)
                throw new InvalidOperationException($"{image} is not in the engine: run sandbox/up.sh (it builds and keeps it).");
        }
    }

    public async ValueTask DisposeAsync()
    {
        // Whatever a failed assertion left: by the run id label, the same way the pipeline cleans up.
        foreach (var c in await _engine.Containers.ListByLabelAsync($"{DepsPlan.RunIdLabel}={_runId}", default))
            await _engine.Containers.RemoveAsync(c.Id, default);
        foreach (var n in await _engine.Networks.ListByLabelAsync($"{DepsPlan.RunIdLabel}={_runId}", default))
            await _engine.Networks.RemoveAsync(n.Id, default);
        _engine.Dispose();
    }

    private DepsEnvironment Environment(DepsPlan plan, double timeoutSeconds = 60) =>
        new(_engine, plan, new DepsOptions(TimeSpan.FromSeconds(timeoutSeconds), Keep: false));

    private DepsPlan Plan(string? mysqlImage = null) =>
        DepsPlan.For(mysqlImage ?? SandboxProfile.MysqlImage, SandboxProfile.RedisImage, true, _runId, Naming);

    [Fact]
    public async Task A_postgres_service_from_settings_alone_becomes_ready_and_gets_its_schema()
    {
        if (await _engine.Images.InspectAsync(SandboxProfile.PostgresImage, Cancellation) is null)
            throw new InvalidOperationException($"{SandboxProfile.PostgresImage} is not in the engine: run sandbox/up.sh (it builds and keeps it).");
        var schema = Path.Combine(Path.GetTempPath(), $"schema-{_runId}.sql");
        await File.WriteAllTextAsync(schema, "CREATE TABLE IF NOT EXISTS notes (id serial PRIMARY KEY, text text NOT NULL);\n", Cancellation);
        try
        {
            // Exactly what an app's pipeline.json says, through the same parser; a tcp probe for a second alias.
            var services = ServicesSetting.Parse($$"""
                {
                  "postgres": {
                    "image": "{{SandboxProfile.PostgresImage}}", "port": 5432,
                    "env": { "POSTGRES_HOST_AUTH_METHOD": "trust" },
                    "ready": { "exec": ["pg_isready", "-h", "127.0.0.1", "-U", "postgres"] },
                    "schema": { "file": "schema.sql", "import": ["psql", "-U", "postgres", "-v", "ON_ERROR_STOP=1", "-f", "{file}"] }
                  },
                  "cache": { "image": "{{SandboxProfile.RedisImage}}", "port": 6379, "ready": { "tcp": true } }
                }
                """);
            var plan = DepsPlan.For(services, true, _runId, Naming);
            await Environment(plan).StartAsync(new Dictionary<string, string> { ["postgres"] = schema }, Cancellation);

            var tables = await _engine.Containers.ExecAsync(plan.Service("postgres").ContainerName,
                ["psql", "-U", "postgres", "-tA", "-c", "SELECT table_name FROM information_schema.tables WHERE table_schema = 'public'"],
                TimeSpan.FromSeconds(30), Cancellation);
            Assert.Equal(0, tables.ExitCode);
            Assert.Equal("notes", tables.Stdout.Trim());
            var cache = await _engine.Containers.InspectAsync(plan.Service("cache").ContainerName, Cancellation);
            Assert.True(cache!.State.Running);
            Assert.Contains(plan.Network, cache.NetworkAddresses.Keys);
        }
        finally
        {
            File.Delete(schema);
        }
    }

    [Fact]
    public async Task A_failing_schema_import_command_names_the_service_and_the_command()
    {
        var schema = Path.Combine(Path.GetTempPath(), $"schema-{_runId}.sql");
        await File.WriteAllTextAsync(schema, "anything\n", Cancellation);
        try
        {
            var services = ServicesSetting.Parse($$"""
                { "cache": { "image": "{{SandboxProfile.RedisImage}}", "port": 6379, "ready": { "resp-ping": true },
                             "schema": { "file": "x.sql", "import": ["sh", "-c", "echo 'no such table' >&2; exit 3", "{file}"] } } }
                """);
            var plan = DepsPlan.For(services, true, _runId, Naming);
            var failure = await Assert.ThrowsAsync<PipelineException>(() =>
                Environment(plan).StartAsync(new Dictionary<string, string> { ["cache"] = schema }, Cancellation));
            Assert.Equal($"Importing {schema} into {plan.Service("cache").ContainerName} failed (`sh` exit code 3)", failure.Message);
            Assert.Contains("no such table", failure.Detail);
        }
        finally
        {
            File.Delete(schema);
        }
    }

    [Fact]
    public async Task StartDeps_brings_up_both_answering_with_the_apps_tables_imported()
    {
        var plan = Plan();
        await Environment(plan).StartAsync(Schemas, Cancellation);

        var tables = await _engine.Containers.ExecAsync(plan.Service("mysql").ContainerName,
            MysqlClientCommand.Query("SHOW TABLES FROM sample_app"), TimeSpan.FromSeconds(30), Cancellation);
        Assert.True(tables.ExitCode == 0, tables.Stderr);
        Assert.Contains("links", tables.Stdout.Split('\n', StringSplitOptions.TrimEntries));

        var redis = await _engine.Containers.InspectAsync(plan.Service("redis").ContainerName, Cancellation);
        var port = redis!.PublishedPorts["6379/tcp"];
        Assert.Null(await RedisPing.ProbeAsync("127.0.0.1", port, TimeSpan.FromSeconds(5), Cancellation));
        var mysql = await _engine.Containers.InspectAsync(plan.Service("mysql").ContainerName, Cancellation);
        Assert.Equal([plan.Network], mysql!.NetworkAddresses.Keys);
        Assert.Equal(_runId, mysql.Labels[DepsPlan.RunIdLabel]);
    }

    [Fact]
    public async Task The_import_is_repeatable_and_a_broken_schema_fails_with_the_clients_error()
    {
        var plan = Plan();
        var deps = Environment(plan);
        await deps.StartAsync(Schemas, Cancellation);
        await deps.ImportSchemaAsync(plan.Service("mysql"), Schema, Cancellation); // the schema is written to be imported again

        var broken = Path.GetTempFileName();
        try
        {
            await File.WriteAllTextAsync(broken, "USE sample_app;\nCREATE TABLE nope (id INT;\n", Cancellation);
            var failure = await Assert.ThrowsAsync<PipelineException>(() => deps.ImportSchemaAsync(plan.Service("mysql"), broken, Cancellation));
            Assert.Contains($"Importing {broken} into {plan.Service("mysql").ContainerName} failed", failure.Message);
            Assert.Contains("ERROR 1064", failure.Detail);
            Assert.Contains("at line 2", failure.Detail);
        }
        finally
        {
            File.Delete(broken);
        }
    }

    [Fact]
    public async Task A_database_that_never_answers_fails_at_the_timeout_naming_MySQL()
    {
        // The sandbox image's entrypoint runs any other command as given: a container that lives but never serves.
        var plan = Plan().With("mysql", s => s with { Command = ["sleep", "600"] });
        var failure = await Assert.ThrowsAsync<PipelineException>(() => Environment(plan, timeoutSeconds: 3).StartAsync(Schemas, Cancellation));
        Assert.StartsWith($"mysql (container {plan.Service("mysql").ContainerName}) was not ready within 3 s", failure.Message);
        Assert.Contains("--deps-timeout", failure.Fix);
        Assert.Contains("last check:", failure.Detail);
    }

    [Fact]
    public async Task A_database_container_that_exits_fails_at_once_with_its_log()
    {
        var plan = Plan().With("mysql", s => s with { Command = ["sh", "-c", "echo 'config is broken' >&2; exit 7"] });
        var failure = await Assert.ThrowsAsync<PipelineException>(() => Environment(plan, timeoutSeconds: 600).StartAsync(Schemas, Cancellation));
        Assert.Contains("stopped (exit code 7) before it was ready", failure.Message);
        Assert.Contains("config is broken", failure.Detail);
    }

    [Fact]
    public async Task An_unknown_dependency_image_tag_fails_naming_the_image()
    {
        var image = SandboxProfile.MysqlImage.Replace(":10.11", ":0.0-no-such-tag");
        var failure = await Assert.ThrowsAsync<PipelineException>(() => Environment(Plan(image)).StartAsync(Schemas, Cancellation));
        Assert.Equal($"mysql image {image} is not in the engine", failure.Message);
        Assert.Contains("--mysql-image", failure.Fix);
    }

    [Fact]
    public async Task Teardown_removes_every_container_and_network_labelled_with_the_run_id()
    {
        var plan = Plan();
        var deps = Environment(plan);
        await deps.StartAsync(Schemas, Cancellation);
        Assert.Equal(2, (await _engine.Containers.ListByLabelAsync($"{DepsPlan.RunIdLabel}={_runId}", Cancellation)).Count);

        await deps.TeardownAsync();

        Assert.Empty(await _engine.Containers.ListByLabelAsync($"{DepsPlan.RunIdLabel}={_runId}", Cancellation));
        Assert.Empty(await _engine.Networks.ListByLabelAsync($"{DepsPlan.RunIdLabel}={_runId}", Cancellation));
    }

    [Fact]
    public async Task A_second_start_replaces_the_stale_containers_of_the_same_name_and_their_network()
    {
        var first = Plan();
        await Environment(first).StartAsync(Schemas, Cancellation);
        var second = first with { RunId = _runId + "-2" };
        try
        {
            await Environment(second).StartAsync(Schemas, Cancellation);
            var mysql = await _engine.Containers.InspectAsync(second.Service("mysql").ContainerName, Cancellation);
            Assert.Equal(second.RunId, mysql!.Labels[DepsPlan.RunIdLabel]);
            Assert.Null(await _engine.Networks.InspectAsync(first.Network, Cancellation));
        }
        finally
        {
            await Environment(second).TeardownAsync();
        }
    }

    [Fact]
    public async Task A_later_start_runs_MySQL_from_the_seeded_image_with_the_schema_in_place()
    {
        var first = Plan();
        await Environment(first).StartAsync(Schemas, Cancellation); // saves the seed unless an earlier run did
        var second = first with { RunId = _runId + "-2" };
        try
        {
            await Environment(second).StartAsync(Schemas, Cancellation);
            var mysql = await _engine.Containers.InspectAsync(second.Service("mysql").ContainerName, Cancellation);
            Assert.StartsWith(SeededDatabase.Repository + ":", mysql!.Image);
            var tables = await _engine.Containers.ExecAsync(second.Service("mysql").ContainerName,
                MysqlClientCommand.Query("SELECT COUNT(*) FROM sample_app.links"), TimeSpan.FromSeconds(30), Cancellation);
            Assert.True(tables.ExitCode == 0, tables.Stderr);
        }
        finally
        {
            await Environment(second).TeardownAsync();
        }
    }

    [Fact]
    public async Task Finding_the_network_fails_clearly_when_the_deps_are_not_running()
    {
        var failure = await Assert.ThrowsAsync<PipelineException>(() => Environment(Plan()).FindNetworkAsync(Cancellation));
        Assert.Contains("mysql is not running", failure.Message);
        Assert.Contains("DepsUp", failure.Fix);
    }

    [Fact]
    public async Task A_followed_log_streams_every_line_until_the_container_stops()
    {
        var plan = Plan().With("redis", s => s with { Command = ["sh", "-c", "for i in 1 2 3; do echo line $i; sleep 0.2; done; echo oops >&2"] });
        var id = await _engine.Containers.CreateAsync(plan.CreateRequest(plan.Service("redis")) with { Network = null, NetworkAliases = [] }, Cancellation);
        await _engine.Containers.StartAsync(id, Cancellation);
        var lines = new List<LogLine>();
        await _engine.Containers.FollowLogsAsync(id, line => { lock (lines) lines.Add(line); }, Cancellation);
        Assert.Equal([new LogLine("line 1", false), new LogLine("line 2", false), new LogLine("line 3", false), new LogLine("oops", true)], lines);
    }

    [Fact]
    public async Task Containers_of_a_pipeline_still_running_here_are_refused_and_replaced_once_it_has_ended()
    {
        // Another pipeline's MySQL: created under this test's names, owned by a live process that is not this one.
        using var other = System.Diagnostics.Process.Start("sleep", "120");
        var owner = RunOwner.Of(other);
        var plan = Plan();
        var labels = new Dictionary<string, string>(plan.Labels("mysql")) { [DepsPlan.RunIdLabel] = _runId };
        foreach (var (key, value) in owner.Labels()) labels[key] = value;
        var foreign = await _engine.Containers.CreateAsync(
            new ContainerCreateRequest(SandboxProfile.RedisImage) { Name = plan.Service("mysql").ContainerName, Labels = labels }, Cancellation);

        var refused = await Assert.ThrowsAsync<PipelineException>(() => Environment(plan).StartAsync(Schemas, Cancellation));
        Assert.Contains($"belongs to run {_runId}, which is still running (pid {other.Id} on this machine", refused.Message);
        Assert.Contains($"kill {other.Id}", refused.Fix);
        Assert.Equal(foreign, (await _engine.Containers.InspectAsync(plan.Service("mysql").ContainerName, Cancellation))?.Id);

        other.Kill();
        await other.WaitForExitAsync(Cancellation);
        await Environment(plan).StartAsync(Schemas, Cancellation);
        var mysql = await _engine.Containers.InspectAsync(plan.Service("mysql").ContainerName, Cancellation);
        Assert.NotEqual(foreign, mysql?.Id);
        Assert.Equal(System.Environment.ProcessId.ToString(), mysql!.Labels[RunOwner.PidLabel]);
    }

    [Fact]
    public async Task A_running_container_of_another_machines_run_is_refused_naming_that_machine_and_a_stopped_one_is_replaced()
    {
        // A CI job in another container sharing this engine: its pid means nothing here, so it cannot be judged dead.
        var owner = new RunOwner("ci-job-elsewhere", 4242, "2026-11-30T01:02:03.000Z");
        var plan = Plan();
        var labels = new Dictionary<string, string>(plan.Labels("mysql")) { [DepsPlan.RunIdLabel] = _runId };
        foreach (var (key, value) in owner.Labels()) labels[key] = value;
        var foreign = await _engine.Containers.CreateAsync(
            new ContainerCreateRequest(SandboxProfile.RedisImage) { Name = plan.Service("mysql").ContainerName, Labels = labels }, Cancellation);
        await _engine.Containers.StartAsync(foreign, Cancellation);

        var refused = await Assert.ThrowsAsync<PipelineException>(() => Environment(plan).StartAsync(Schemas, Cancellation));
        Assert.Contains($"belongs to run {_runId} of another machine (ci-job-elsewhere, pid 4242", refused.Message);
        Assert.Contains("./build.sh DepsDown", refused.Fix);
        Assert.Equal(foreign, (await _engine.Containers.InspectAsync(plan.Service("mysql").ContainerName, Cancellation))?.Id);

        // Once it has stopped it is a leftover, wherever it came from.
        await _engine.Containers.StopAsync(foreign, TimeSpan.FromSeconds(5), Cancellation);
        await Environment(plan).StartAsync(Schemas, Cancellation);
        Assert.NotEqual(foreign, (await _engine.Containers.InspectAsync(plan.Service("mysql").ContainerName, Cancellation))?.Id);
    }
}
