namespace Pipeline.Cli;

/// <summary>
/// How a run that reached its summary ends: 128 + the signal's number after a signal (130 SIGINT, 143 SIGTERM,
/// 129 SIGHUP), 1 when a target failed or was cancelled, else 0.
/// </summary>
public static class RunExitCode
{
    public static bool Failed(IEnumerable<string> outcomes) => outcomes.Any(o => o is "failed" or "cancelled");

    public static int For(IEnumerable<string> outcomes, int signalExitCode) =>
        signalExitCode != 0 ? signalExitCode : Failed(outcomes) ? 1 : 0;
}
