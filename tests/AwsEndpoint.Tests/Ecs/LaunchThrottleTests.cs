using AwsEndpoint.Ecs;

namespace AwsEndpoint.Tests.Ecs;

/// <summary>The service throttle's arithmetic, without an engine: how the delay grows, what counts as one failed
/// round, and what ends the throttling.</summary>
public sealed class LaunchThrottleTests
{
    private static readonly TimeSpan First = TimeSpan.FromSeconds(2);
    private static readonly TimeSpan Cap = TimeSpan.FromSeconds(60);
    private static readonly DateTimeOffset T0 = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

    [Theory]
    [InlineData(0, 0)]
    [InlineData(1, 2)]
    [InlineData(2, 4)]
    [InlineData(3, 8)]
    [InlineData(5, 32)]
    [InlineData(6, 60)]
    [InlineData(1000, 60)]
    public void The_delay_doubles_from_the_first_up_to_the_cap(int failures, int seconds) =>
        Assert.Equal(TimeSpan.FromSeconds(seconds), LaunchThrottle.Delay(failures, First, Cap));

    [Fact]
    public void Each_failed_round_pushes_the_next_launch_further_and_the_second_turns_the_throttling_on()
    {
        var throttle = new LaunchThrottle();
        Assert.True(throttle.Allows(T0));

        Assert.False(throttle.TaskFailedToStart(T0, T0.AddSeconds(1), First, Cap));
        Assert.Equal(T0.AddSeconds(3), throttle.NextLaunchAt);
        Assert.False(throttle.Allows(T0.AddSeconds(2)));
        Assert.True(throttle.Allows(T0.AddSeconds(3)));

        Assert.True(throttle.TaskFailedToStart(T0.AddSeconds(3), T0.AddSeconds(4), First, Cap));
        Assert.Equal(T0.AddSeconds(8), throttle.NextLaunchAt);
        Assert.False(throttle.TaskFailedToStart(T0.AddSeconds(8), T0.AddSeconds(9), First, Cap)); // the event is posted once
        Assert.Equal(3, throttle.Failures);
        Assert.Equal(T0.AddSeconds(17), throttle.NextLaunchAt);
    }

    [Fact]
    public void Tasks_launched_together_that_fail_together_count_as_one_round()
    {
        var throttle = new LaunchThrottle();
        throttle.TaskFailedToStart(T0, T0.AddSeconds(1), First, Cap);
        throttle.TaskFailedToStart(T0, T0.AddSeconds(1.5), First, Cap);
        Assert.Equal(1, throttle.Failures);
        Assert.Equal(T0.AddSeconds(3), throttle.NextLaunchAt);
    }

    [Fact]
    public void Reset_allows_launches_at_once_and_starts_over()
    {
        var throttle = new LaunchThrottle();
        throttle.TaskFailedToStart(T0, T0.AddSeconds(1), First, Cap);
        throttle.TaskFailedToStart(T0.AddSeconds(3), T0.AddSeconds(4), First, Cap);
        throttle.Reset();
        Assert.True(throttle.Allows(T0.AddSeconds(4)));
        Assert.Equal(0, throttle.Failures);
        Assert.False(throttle.TaskFailedToStart(T0.AddSeconds(4), T0.AddSeconds(5), First, Cap));
        Assert.Equal(T0.AddSeconds(7), throttle.NextLaunchAt);
    }
}
