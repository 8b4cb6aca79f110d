using Pipeline.Staging;

namespace Pipeline.Tests.Staging;

public sealed class HostStateTests
{
    [Fact]
    public void The_proxys_marker_names_the_active_container_and_the_newest_stopped_other_is_previous()
    {
        var state = HostState.Parse(
            "sample-app-v3|exited|v3\nsample-app-v2|running|v2\nsample-app-v1|exited|v1\n--proxy\nrunning\nsample-app-v2\n");
        Assert.Equal("sample-app-v2", state.Active!.Name);
        Assert.Equal("sample-app-v3", state.Previous!.Name);
        Assert.True(state.ProxyRunning);
    }

    [Fact]
    public void A_fresh_host_has_no_proxy_and_nothing_active()
    {
        var state = HostState.Parse("--proxy\nmissing\n");
        Assert.Empty(state.Containers);
        Assert.False(state.ProxyExists);
        Assert.Null(state.Active);
        Assert.Null(state.Previous);
    }

    [Fact]
    public void A_marker_naming_a_container_that_is_gone_means_nothing_is_active()
    {
        var state = HostState.Parse("sample-app-v1|exited|v1\n--proxy\nrunning\nsample-app-v9\n");
        Assert.Null(state.ActiveName);
        Assert.Equal("sample-app-v1", state.Previous!.Name);
    }

    [Fact]
    public void The_proxy_config_starts_with_the_marker_the_state_reads()
    {
        var config = ProxyConfig.Render("sample-app-develop-abc1234", 3000);
        Assert.StartsWith("# active: sample-app-develop-abc1234\n", config);
        Assert.Contains("set $app http://sample-app-develop-abc1234:3000;", config);
        Assert.Contains("resolver 127.0.0.11", config);
    }
}
