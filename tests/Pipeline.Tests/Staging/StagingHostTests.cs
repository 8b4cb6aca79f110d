using Pipeline.Staging;

namespace Pipeline.Tests.Staging;

public sealed class StagingHostTests
{
    [Fact]
    public void A_bare_address_gets_root_port_22_and_the_default_app_port_on_every_interface()
    {
        var host = StagingHost.Parse("10.0.0.5", 3000, "STAGING_HOSTS");
        Assert.Equal(new StagingHost("10.0.0.5", "root", "10.0.0.5", 22, "", 3000), host);
        Assert.Equal("3000", host.Publish);
    }

    [Fact]
    public void Name_user_ssh_port_bind_address_and_app_port_are_all_read()
    {
        var host = StagingHost.Parse("staging-1=deploy@127.0.0.1:2222/127.0.0.1:3001", 3000, "STAGING_HOSTS");
        Assert.Equal(new StagingHost("staging-1", "deploy", "127.0.0.1", 2222, "127.0.0.1", 3001), host);
        Assert.Equal("127.0.0.1:3001", host.Publish);
        Assert.Equal("deploy@127.0.0.1:2222", host.SshTarget);
    }

    [Fact]
    public void An_app_port_without_bind_address_publishes_on_every_interface()
    {
        var host = StagingHost.Parse("web.example.com/8080", 3000, "STAGING_HOSTS");
        Assert.Equal("web.example.com", host.Name);
        Assert.Equal(8080, host.AppPort);
        Assert.Equal("8080", host.Publish);
    }

    [Theory]
    [InlineData("root@host;reboot")]
    [InlineData("root@$(id)")]
    [InlineData("host:notaport")]
    [InlineData("host:70000")]
    [InlineData("host/0")]
    [InlineData("a b")]
    [InlineData("")]
    public void Malformed_or_hostile_specs_are_refused_naming_the_syntax(string spec)
    {
        var error = Assert.Throws<PipelineException>(() => StagingHost.Parse(spec, 3000, "STAGING_HOSTS"));
        Assert.Contains("STAGING_HOSTS", error.Message);
        Assert.Contains(StagingHost.SpecSyntax, error.Message + error.Fix);
    }

    [Fact]
    public void The_same_name_twice_is_refused()
    {
        var error = Assert.Throws<PipelineException>(() => StagingHost.ParseList(["a=10.0.0.1", "a=10.0.0.2"], 3000, "--staging-hosts"));
        Assert.Contains("appears twice", error.Message);
    }
}
