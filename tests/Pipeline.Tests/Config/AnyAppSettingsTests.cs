using System.Text.Json.Nodes;
using Pipeline.Build;
using Pipeline.Config;
using Pipeline.Deps;

namespace Pipeline.Tests.Config;

/// <summary>
/// Every app-specific fact is a setting: a second app, not the sample app, gets its own names, services, test
/// command, results and base-image arg from its pipeline.json alone, and the defaults still give the sample app's.
/// </summary>
public sealed class AnyAppSettingsTests : IDisposable
{
    private const string Sha = "0123456789abcdef0123456789abcdef01234567";

    private const string App2Json = """
        {
          "repository": "app2",
          "dockerfile": "Dockerfile",
          "base-image-arg": "BASE_IMAGE",
          "app-port": 8000,
          "test-command": ["python3", "-m", "pytest", "-q", "--junitxml=/tmp/test-results/junit.xml", "tests"],
          "test-report": "junit:/tmp/test-results/junit.xml",
          "services": {
            "postgres": {
              "image": "postgres:16.4",
              "port": 5432,
              "env": { "POSTGRES_HOST_AUTH_METHOD": "trust" },
              "ready": { "exec": ["pg_isready", "-h", "127.0.0.1", "-U", "postgres"] },
              "schema": { "file": "db/schema.sql", "import": ["psql", "-U", "postgres", "-v", "ON_ERROR_STOP=1", "-f", "{file}"] }
            }
          }
        }
        """;

    private readonly string _root = Path.Combine(Directory.CreateTempSubdirectory("any-app-").FullName, "My_App");

    public AnyAppSettingsTests()
    {
        Directory.CreateDirectory(Path.Combine(_root, "db"));
        File.WriteAllText(Path.Combine(_root, "Dockerfile"), "ARG BASE_IMAGE=debian:bookworm-slim\nFROM ${BASE_IMAGE}\n");
        File.WriteAllText(Path.Combine(_root, "db", "schema.sql"), "CREATE TABLE IF NOT EXISTS notes (id serial);\n");
    }

    public void Dispose() => Directory.Delete(Path.GetDirectoryName(_root)!, recursive: true);

    private PipelineSettings Settings(string? json, params (string, string)[] env)
    {
        // The app's Dockerfile sits at its root, as app2's does.
        string? Env(string name) => name == "DOCKERFILE" ? "Dockerfile" : env.FirstOrDefault(v => v.Item1 == name).Item2;
        var values = SettingsResolver.Resolve(new Dictionary<string, string>(), Env, json);
        return PipelineSettings.From(values, _root, Env, args => args.Contains("--abbrev-ref") ? "develop" : Sha,
            new HostPlatform(IsLinux: true, IsDebian: true, IsRoot: true));
    }

    [Fact]
    public void A_postgres_service_comes_from_settings_alone_with_its_probe_schema_and_the_sandbox_stand_in()
    {
        var settings = Settings(App2Json, ("AWS_ECR_URL", "registry.example.com"));
        var postgres = Assert.Single(settings.Dependencies);
        Assert.Equal(("postgres", "postgres:16.4", 5432, 0), (postgres.Name, postgres.Image, postgres.Port, postgres.HostPort));
        Assert.Equal(ReadinessProbe.ExecKind, postgres.Ready.Kind);
        Assert.Equal(["pg_isready", "-h", "127.0.0.1", "-U", "postgres"], postgres.Ready.Command);
        Assert.Equal("db/schema.sql", postgres.Schema!.File);
        Assert.Equal("trust", postgres.Environment["POSTGRES_HOST_AUTH_METHOD"]);

        var sandbox = Settings(App2Json);
        Assert.True(sandbox.IsSandbox);
        Assert.Equal(SandboxProfile.PostgresImage, Assert.Single(sandbox.Dependencies).Image);
        Assert.Equal(SandboxProfile.DebianImage, sandbox.BaseImage);
        Assert.Equal(["postgres:16.4"], PipelineSettings.PinnedServiceImages(sandbox.Values));
    }

    [Fact]
    public void The_test_container_gets_each_services_host_and_port_and_runs_the_configured_command()
    {
        var settings = Settings(App2Json);
        var plan = DepsPlan.For(settings, "r1");
        var request = TestContainerPlan.For(settings.Images.Testing, settings.TestCommand, plan, plan.Network);
        Assert.Equal(["python3", "-m", "pytest", "-q", "--junitxml=/tmp/test-results/junit.xml", "tests"], request.Command);
        Assert.Equal(new Dictionary<string, string> { ["POSTGRES_HOST"] = "postgres", ["POSTGRES_PORT"] = "5432" }, request.Environment);
        Assert.Equal("/tmp/test-results/junit.xml", settings.TestReport.JUnitPath);
        Assert.Equal(["pipeline-postgres"], plan.Services.Select(s => s.ContainerName));
    }

    [Fact]
    public void The_defaults_are_the_sample_apps_mysql_and_redis_npm_test_and_node_report()
    {
        var settings = Settings("""{ "repository": "sample-app" }""", ("AWS_ECR_URL", "registry.example.com"));
        Assert.Equal(["mysql", "redis"], settings.Dependencies.Select(d => d.Name));
        Assert.Equal([13306, 16379], settings.Dependencies.Select(d => d.HostPort));
        Assert.Equal(DependencySpec.DefaultSchemaFile, settings.Dependencies[0].Schema!.File);
        Assert.Equal(["npm", "test"], settings.TestCommand);
        Assert.False(settings.TestReport.IsJUnit);
        Assert.Equal("NODE_IMAGE", settings.BaseImageArg);
    }

    [Fact]
    public void Empty_services_mean_none_and_a_test_command_may_be_plain_words()
    {
        var settings = Settings("""{ "services": {} }""", ("TEST_COMMAND", "go test ./..."));
        Assert.Empty(settings.Dependencies);
        Assert.Equal(["go", "test", "./..."], settings.TestCommand);
    }

    [Fact]
    public void The_names_on_the_hosts_follow_the_repository_never_the_sample_app()
    {
        var settings = Settings(App2Json, ("AWS_ECR_URL", "registry.example.com"), ("STAGING_HOSTS", "web-1=deploy@10.0.0.5"));
        Assert.Equal("app2", settings.AppName);
        var staging = Pipeline.Staging.StagingSettings.From(settings);
        Assert.Equal("app2", staging.Container);
        Assert.Equal("app2-proxy", staging.ProxyContainer);
        Assert.Equal("~/app2.env", staging.EnvFile);
        Assert.Equal(8000, staging.AppPort);
        Assert.Equal("app2", Pipeline.Production.ProductionSettings.ServiceName(settings));
    }

    [Fact]
    public void Without_a_repository_setting_the_app_is_named_after_the_checkout_directory()
    {
        var settings = Settings(null, ("AWS_ECR_URL", "registry.example.com"));
        Assert.Equal("my_app", settings.Images.Repository);
        Assert.Equal("my_app", settings.AppName);
    }

    [Fact]
    public void The_base_image_goes_to_the_build_through_the_configured_arg()
    {
        var settings = Settings(App2Json);
        var builds = ImageBuildPlan.For(settings, null, [], []);
        Assert.All(builds, b => Assert.Equal(SandboxProfile.DebianImage, b.BuildArgs["BASE_IMAGE"]));
        Assert.All(builds, b => Assert.False(b.BuildArgs.ContainsKey("NODE_IMAGE")));
    }

    [Theory]
    [InlineData("""{ "services": { "Postgres": { "image": "postgres:16", "port": 5432 } } }""", "is not a network alias")]
    [InlineData("""{ "services": { "pg": { "image": "postgres:16" } } }""", "service \"pg\" key \"port\" is missing")]
    [InlineData("""{ "services": { "pg": { "image": "../../x", "port": 5432 } } }""", "service \"pg\" key \"image\"")]
    [InlineData("""{ "services": { "pg": { "image": "postgres:16", "port": 5432, "ready": { "ping": true } } } }""", "key \"ready\" must be one of")]
    [InlineData("""{ "services": { "pg": { "image": "postgres:16", "port": 5432, "schema": { "file": "a.sql" } } } }""", "needs \"import\"")]
    [InlineData("""{ "services": { "pg": { "image": "postgres:16", "port": 5432, "schema": { "file": "a.sql", "import": ["psql"] } } } }""", "has no \"{file}\" argument")]
    [InlineData("""{ "services": { "pg": { "image": "postgres:16", "port": 5432, "volumes": [] } } }""", "unknown key \"volumes\"")]
    [InlineData("""{ "test-command": [] }""", "it has no command")]
    [InlineData("""{ "test-report": "junit:results.xml" }""", "not absolute")]
    [InlineData("""{ "base-image-arg": "1BASE" }""", "starts with a digit")]
    public void A_malformed_app_setting_is_refused_naming_what_is_wrong(string json, string expected)
    {
        var failure = Assert.Throws<PipelineException>(() => SettingsResolver.Resolve(new Dictionary<string, string>(), _ => null, json));
        Assert.StartsWith("pipeline.json \"", failure.Message);
        Assert.Contains(expected, failure.Message);
    }

    [Fact]
    public void The_sandbox_profile_carries_the_apps_slot_port_env_services_and_ecs_service()
    {
        var settings = Settings(App2Json.Replace("\"app-port\": 8000,", "\"app-port\": 8000, \"sandbox-slot\": 3,"));
        var profile = JsonNode.Parse(SandboxApp.From(settings, "app2").Json)!;
        Assert.Equal("app2", (string?)profile["name"]);
        Assert.Equal(3, (int?)profile["slot"]);
        Assert.Equal(8000, (int?)profile["appPort"]);
        Assert.Equal("app2.env", (string?)profile["envFileName"]);
        Assert.Equal("postgres", (string?)profile["env"]!["POSTGRES_HOST"]);
        Assert.Equal("app2", (string?)profile["ecs"]!["service"]);
        var postgres = profile["services"]![0]!;
        Assert.Equal(SandboxProfile.PostgresImage, (string?)postgres["image"]);
        Assert.Equal(Path.Combine(_root, "db", "schema.sql"), (string?)postgres["schema"]!["file"]);
        Assert.Equal("{file}", (string?)postgres["schema"]!["import"]![6]);
        Assert.Equal("pg_isready", (string?)postgres["ready"]![0]);
    }

    [Fact]
    public void Each_app_reads_its_own_slot_from_sandbox_json_and_an_unprovisioned_app_gets_no_load_balancer()
    {
        var json = Path.Combine(_root, "sandbox.json");
        File.WriteAllText(json, """
            {
              "images": { "nginx": "127.0.0.1:5000/sandbox/nginx:1.22" },
              "staging": {
                "hosts": [{ "name": "staging-1", "address": "127.0.0.1", "port": 2222, "user": "root", "appPort": 3001, "envFile": "/h1/sample-app.env" }],
                "identityFile": "/k", "knownHosts": "/kh", "loadBalancer": "http://127.0.0.1:8080",
                "drainCommand": "lb drain {host}", "enableCommand": "lb enable {host}"
              },
              "apps": {
                "app2": { "slot": 1, "loadBalancer": "http://127.0.0.1:8081",
                          "hosts": [{ "name": "staging-1", "appPort": 3101, "envFile": "/h1/app2.env" }],
                          "drainCommand": "lb --app app2 drain {host}", "enableCommand": "lb --app app2 enable {host}" }
              }
            }
            """);
        var app2 = SandboxStaging.Read(json, "app2")!;
        Assert.Equal((1, "http://127.0.0.1:8081", "lb --app app2 drain {host}"), (app2.Slot!.Value, app2.LoadBalancer, app2.DrainCommand));
        Assert.Equal((3101, "/h1/app2.env"), (app2.Hosts[0].AppPort, app2.Hosts[0].EnvFile));
        var other = SandboxStaging.Read(json, "app3")!;
        Assert.Null(other.Slot);
        Assert.Equal("", other.DrainCommand);
    }

    [Fact]
    public void A_junit_report_gives_the_cases_and_counts()
    {
        var xml = """
            <?xml version="1.0" encoding="utf-8"?>
            <testsuites><testsuite name="pytest" tests="4">
              <testcase classname="tests.test_notes_api" name="test_create" time="0.012"/>
              <testcase classname="tests.test_notes_api" name="test_missing" time="0.002"><failure message="assert 404 == 200">trace</failure></testcase>
              <testcase classname="tests.test_notes_api" name="test_broken"><error message="setup failed"/></testcase>
              <testcase classname="tests.test_process" name="test_sigterm"><skipped message="no signals"/></testcase>
            </testsuite></testsuites>
            """u8.ToArray();
        var cases = JUnitResults.Parse(xml, "/tmp/junit.xml");
        Assert.Equal(new TestCounts(1, 2, Skipped: 1), JUnitResults.Count(cases));
        Assert.Equal(["pytest", "tests.test_notes_api"], cases[1].Suites);
        Assert.Equal("assert 404 == 200", cases[1].Message);
        Assert.Equal(TimeSpan.FromMilliseconds(12), cases[0].Duration);
        var notJUnit = Assert.Throws<PipelineException>(() => JUnitResults.Parse("<html/>"u8.ToArray(), "/tmp/x.xml"));
        Assert.Contains("not JUnit XML", notJUnit.Message);
    }
}
