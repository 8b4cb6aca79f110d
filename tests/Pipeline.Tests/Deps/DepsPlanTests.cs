using Pipeline.Config;
using Pipeline.Deps;
using Pipeline.Docker;

namespace Pipeline.Tests.Deps;

public sealed class DepsPlanTests
{
    private static DepsPlan Plan(bool sandbox = true) =>
        DepsPlan.For("mysql:8.0.40", "redis:7.2.5", sandbox, "r1", DepsNaming.Default);

    [Fact]
    public void Mysql_container_publishes_13306_on_loopback_only_with_an_empty_root_password_and_alias_mysql()
    {
        var plan = Plan();
        var request = plan.CreateRequest(plan.Service("mysql"));

        Assert.Equal("mysql:8.0.40", request.Image);
        Assert.Equal("pipeline-mysql", request.Name);
        Assert.Equal([new PortBinding(3306, 13306, "tcp", "127.0.0.1")], request.Ports);
        Assert.Equal("yes", request.Environment["MYSQL_ALLOW_EMPTY_PASSWORD"]);
        Assert.Equal("pipeline-deps-r1", request.Network);
        Assert.Equal(["mysql"], request.NetworkAliases);
    }

    [Fact]
    public void Redis_container_publishes_16379_on_loopback_only_with_alias_redis()
    {
        var plan = Plan();
        var request = plan.CreateRequest(plan.Service("redis"));

        Assert.Equal("pipeline-redis", request.Name);
        Assert.Equal([new PortBinding(6379, 16379, "tcp", "127.0.0.1")], request.Ports);
        Assert.Equal(["redis"], request.NetworkAliases);
        Assert.Empty(request.Environment);
    }

    [Fact]
    public void Every_container_carries_the_run_id_and_the_sandbox_label_only_in_the_sandbox()
    {
        var sandbox = Plan(sandbox: true);
        var real = Plan(sandbox: false);
        foreach (var service in sandbox.Services)
        {
            var labels = sandbox.CreateRequest(service).Labels;
            Assert.Equal("r1", labels[DepsPlan.RunIdLabel]);
            Assert.Equal("true", labels[DepsPlan.SandboxLabel]);
            Assert.Equal("pipeline", labels[DepsPlan.DepsLabel]);
            Assert.Equal(service.Role, labels[DepsPlan.RoleLabel]);
        }
        Assert.False(real.CreateRequest(real.Service("mysql")).Labels.ContainsKey(DepsPlan.SandboxLabel));
        Assert.Equal("r1", real.Labels("network")[DepsPlan.RunIdLabel]);
    }

    [Fact]
    public void The_engine_receives_the_port_bound_to_127_0_0_1_and_the_alias_on_the_runs_network()
    {
        var plan = Plan();
        var parameters = ContainerOperations.CreateParameters(plan.CreateRequest(plan.Service("mysql")));
        Assert.Equal("pipeline-mysql", parameters.Name);

        var binding = Assert.Single(parameters.HostConfig!.PortBindings);
        Assert.Equal("3306/tcp", binding.Key);
        var only = Assert.Single(binding.Value);
        Assert.Equal("127.0.0.1", only.HostIP);
        Assert.Equal("13306", only.HostPort);
        Assert.Equal(["mysql"], parameters.NetworkingConfig!.EndpointsConfig["pipeline-deps-r1"].Aliases);
        Assert.Contains("MYSQL_ALLOW_EMPTY_PASSWORD=yes", parameters.Env);
    }

    [Fact]
    public void Describe_names_images_ports_labels_the_readiness_checks_and_the_import()
    {
        var lines = Plan().Describe(new DepsOptions(TimeSpan.FromSeconds(45), false), _ => "/repo/docker/database.sql").ToList();
        Assert.Contains(lines, l => l.Contains("run pipeline-mysql: image mysql:8.0.40") && l.Contains("127.0.0.1:13306->3306"));
        Assert.Contains(lines, l => l.Contains("run pipeline-redis: image redis:7.2.5") && l.Contains("127.0.0.1:16379->6379"));
        Assert.Contains(lines, l => l.Contains("pipeline.run-id=r1"));
        Assert.Contains(lines, l => l.Contains("at most 45 s") && l.Contains("SELECT 1"));
        Assert.Contains(lines, l => l.Contains("at most 45 s") && l.Contains("PING"));
        Assert.Contains(lines, l => l.Contains("import /repo/docker/database.sql through its own mysql client"));
    }

    [Fact]
    public void Client_commands_pass_sql_and_paths_as_arguments_never_inside_the_shell_script()
    {
        var query = MysqlClientCommand.Query("SELECT 'a; rm -rf /'");
        Assert.Equal(["sh", "-c"], query.Take(2));
        Assert.DoesNotContain("SELECT", query[2]);
        Assert.Equal("SELECT 'a; rm -rf /'", query[^1]);
        Assert.Contains("-h127.0.0.1", query);

        var import = MysqlClientCommand.Import("/tmp/x y.sql");
        Assert.Equal("/tmp/x y.sql", import[^1]);
        Assert.DoesNotContain("x y", import[2]);
    }

    [Theory]
    [InlineData("0")]
    [InlineData("-5")]
    [InlineData("soon")]
    public void A_deps_timeout_that_is_not_a_positive_number_of_seconds_is_refused(string value)
    {
        var values = SettingsResolver.Resolve(new Dictionary<string, string> { ["deps-timeout"] = value }, _ => null, null);
        var failure = Assert.Throws<PipelineException>(() => DepsOptions.From(values));
        Assert.Contains($"--deps-timeout={value} is not a valid deps-timeout", failure.Message);
    }

    [Fact]
    public void Deps_timeout_comes_from_the_environment_and_keep_deps_is_a_flag()
    {
        var env = new Dictionary<string, string> { ["DEPS_TIMEOUT"] = "90", ["KEEP_DEPS"] = "true" };
        var options = DepsOptions.From(SettingsResolver.Resolve(new Dictionary<string, string>(), env.GetValueOrDefault, null));
        Assert.Equal(new DepsOptions(TimeSpan.FromSeconds(90), true), options);
        var defaults = DepsOptions.From(SettingsResolver.Resolve(new Dictionary<string, string>(), _ => null, null));
        Assert.Equal(new DepsOptions(TimeSpan.FromSeconds(60), false), defaults);
    }
}
