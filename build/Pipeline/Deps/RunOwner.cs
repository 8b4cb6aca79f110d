using System.Diagnostics;
using System.Globalization;

namespace Pipeline.Deps;

/// <summary>
/// The pipeline process that created a dependency container, recorded in its labels. The containers have fixed names
/// and ports (pipeline-mysql on 127.0.0.1:13306, as in the original setup), so a second pipeline on the same engine
/// would otherwise replace the first one's MySQL in the middle of its tests. A container whose owner is still running
/// on this machine is someone else's live run, not a leftover.
/// </summary>
public sealed record RunOwner(string Host, int Pid, string ProcessStart)
{
    public const string HostLabel = "pipeline.run-host";
    public const string PidLabel = "pipeline.run-pid";
    // With the pid: a pid reused by an unrelated process after the owner died is not mistaken for the owner.
    public const string ProcessStartLabel = "pipeline.run-process-start";

    public static RunOwner Current { get; } = Of(Process.GetCurrentProcess());

    /// <summary>A process of this machine as an owner.</summary>
    public static RunOwner Of(Process process) => new(Environment.MachineName, process.Id, StartOf(process) ?? "");

    public IEnumerable<KeyValuePair<string, string>> Labels() =>
    [
        new(HostLabel, Host),
        new(PidLabel, Pid.ToString(CultureInfo.InvariantCulture)),
        new(ProcessStartLabel, ProcessStart),
    ];

    public static RunOwner? FromLabels(IReadOnlyDictionary<string, string> labels) =>
        labels.TryGetValue(HostLabel, out var host) &&
        labels.TryGetValue(PidLabel, out var pidText) && int.TryParse(pidText, CultureInfo.InvariantCulture, out var pid) &&
        labels.TryGetValue(ProcessStartLabel, out var start)
            ? new RunOwner(host, pid, start)
            : null;

    /// <summary>
    /// Made by a pipeline on another machine (a containerised CI job sharing this engine): whether it still runs
    /// cannot be known from here.
    /// </summary>
    public bool IsOnAnotherMachine => Host != Current.Host;

    /// <summary>Another pipeline process on this machine that is still running (this process is never "another").</summary>
    public bool IsAnotherLiveRun()
    {
        if (Host != Current.Host || Pid == Current.Pid) return false;
        try
        {
            using var process = Process.GetProcessById(Pid);
            return !process.HasExited && StartOf(process) == ProcessStart;
        }
        catch (Exception e) when (e is ArgumentException or InvalidOperationException)
        {
            return false; // no such process any more
        }
    }

    private static string? StartOf(Process process)
    {
        try
        {
            return process.StartTime.ToUniversalTime().ToString("yyyy-MM-ddTHH:mm:ss.fffZ", CultureInfo.InvariantCulture);
        }
        catch (Exception e) when (e is InvalidOperationException or System.ComponentModel.Win32Exception or NotSupportedException)
        {
            return null;
        }
    }
}
