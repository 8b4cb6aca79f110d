using Pipeline.Staging;

namespace Pipeline.Tests.Staging;

public sealed class HostHooksTests
{
    private readonly StagingHost _host = new("staging-1", "root", "127.0.0.1", 2222, "127.0.0.1", 3001);

    [Fact]
    public void A_hook_gets_the_host_name_quoted()
    {
        Assert.Equal("lb.sh drain staging-1", HostHooks.Render("lb.sh drain {host}", _host));
        Assert.Equal("lb.sh drain 'web;1'", HostHooks.Render("lb.sh drain {host}", _host with { Name = "web;1" }));
    }
}
