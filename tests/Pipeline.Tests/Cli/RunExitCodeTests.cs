using Pipeline.Cli;

namespace Pipeline.Tests.Cli;

public sealed class RunExitCodeTests
{
    [Theory]
    [InlineData(0, 0, "succeeded", "skipped", "dry run")]
    [InlineData(0, 1, "succeeded", "failed")]
    [InlineData(0, 1, "cancelled")]
    [InlineData(130, 130, "succeeded", "cancelled")]
    [InlineData(143, 143, "succeeded")]
    public void A_run_exits_with_the_signals_code_else_1_when_a_target_failed_else_0(int signalExitCode, int expected, params string[] outcomes)
    {
        Assert.Equal(expected, RunExitCode.For(outcomes, signalExitCode));
    }
}
