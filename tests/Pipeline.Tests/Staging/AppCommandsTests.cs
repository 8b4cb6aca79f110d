using Pipeline.Config;
using Pipeline.Docker;
using Pipeline.Staging;

namespace Pipeline.Tests.Staging;

public sealed class AppCommandsTests
{
    private readonly StagingSettings _settings = StagingFixtures.Settings();
    private readonly StagingHost _host = new("staging-1", "root", "127.0.0.1", 2222, "127.0.0.1", 3001);

    [Fact]
    public void Run_starts_the_new_container_on_the_network_with_env_file_restart_policy_log_rotation_and_labels()
    {
        var run = new AppCommands(_settings).Run(_host, "develop-abc1234", "run-1");
        Assert.Equal(
            "docker run --detach --name sample-app-develop-abc1234 --network staging --env-file ~/sample-app.env " +
            "--restart unless-stopped --log-driver json-file --log-opt max-size=10m --log-opt max-file=3 " +
            "--label pipeline.staging.app=sample-app --label pipeline.version=develop-abc1234 --label pipeline.deploy.run-id=run-1 " +
            "--health-interval 1s 127.0.0.1:5000/sample-app:develop-abc1234",
            run.Line);
    }

    [Fact]
    public void Run_uses_the_hosts_own_env_file_when_it_has_one()
    {
        var run = new AppCommands(_settings).Run(_host with { EnvFile = "/state/staging-1/home/my app.env" }, "v1", "r");
        Assert.Contains("--env-file '/state/staging-1/home/my app.env' ", run.Line);
    }

    [Fact]
    public void The_registry_token_goes_on_stdin_and_never_into_the_line_or_the_display()
    {
        var token = new Secret("tok-" + Guid.NewGuid().ToString("N"));
        var pull = new AppCommands(_settings).LoginAndPull(new RegistryCredentials("127.0.0.1:5000", "AWS", token));
        Assert.Same(token, pull.Stdin);
        Assert.DoesNotContain(token.Reveal(), pull.Line);
        Assert.DoesNotContain(token.Reveal(), pull.Display);
        Assert.EndsWith("sh AWS 127.0.0.1:5000 127.0.0.1:5000/sample-app:develop-abc1234 nginx:1.27 <<< [REDACTED]", pull.Display);
        Assert.StartsWith("sh -c 'set -e\nDOCKER_CONFIG=$(mktemp -d); export DOCKER_CONFIG\ntrap '\\''rm -rf \"$DOCKER_CONFIG\"'\\'' EXIT", pull.Line);
        Assert.Contains("--password-stdin", pull.Line);
        Assert.Equal(TimeSpan.FromMinutes(10), pull.Timeout);
    }

    [Fact]
    public void Without_a_login_nothing_is_sent_on_stdin()
    {
        var pull = new AppCommands(_settings).LoginAndPull(null);
        Assert.Null(pull.Stdin);
        Assert.EndsWith("sh '' '' 127.0.0.1:5000/sample-app:develop-abc1234 nginx:1.27", pull.Line);
    }

    [Fact]
    public void The_proxy_publishes_the_hosts_app_port_and_is_labelled_for_the_app()
    {
        Assert.Equal(
            "docker run --detach --name sample-app-proxy --network staging --publish 127.0.0.1:3001:80 --restart unless-stopped " +
            "--log-driver json-file --log-opt max-size=10m --log-opt max-file=3 --label pipeline.staging.proxy-for=sample-app nginx:1.27",
            new AppCommands(_settings).RunProxy(_host).Line);
    }

    [Fact]
    public void Switch_passes_the_nginx_config_as_data_quoted_with_its_dollars_and_quotes_intact()
    {
        var line = new AppCommands(_settings).Switch("sample-app-v2").Line;
        Assert.StartsWith("docker exec sample-app-proxy sh -c 'set -e\nf=/etc/nginx/conf.d/default.conf\n", line);
        Assert.Contains("set $app http://sample-app-v2:3000;", line);
        Assert.Contains("proxy_set_header Connection \"\";", line);
        Assert.Contains("' sh '# active: sample-app-v2\n", line);
    }

    [Fact]
    public void Health_is_a_script_of_the_container_name_and_stop_and_remove_are_plain_docker_commands()
    {
        var commands = new AppCommands(_settings);
        var health = commands.Health("sample-app-v2").Line;
        Assert.StartsWith("sh -c 'c=$1", health);
        Assert.EndsWith("' sh sample-app-v2", health);
        Assert.Equal("docker stop --time 10 sample-app-v1", commands.Stop("sample-app-v1").Line);
        Assert.Equal("docker rm --force sample-app-v3", commands.RemoveContainer("sample-app-v3").Line);
    }
}
