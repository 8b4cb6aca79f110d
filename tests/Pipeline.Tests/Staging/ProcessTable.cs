namespace Pipeline.Tests.Staging;

/// <summary>
/// This machine's processes, read from /proc: the test sshds run here, so what a remote command left running can be
/// seen directly. Zombies count as gone (they run nothing; their parent reaps them).
/// </summary>
public static class ProcessTable
{
    public sealed record Entry(int Pid, int ParentPid, int Group, string CommandLine);

    public static IReadOnlyList<Entry> Running()
    {
        var entries = new List<Entry>();
        foreach (var dir in Directory.GetDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(dir), out var pid)) continue;
            try
            {
                var stat = File.ReadAllText(Path.Combine(dir, "stat"));
                // "pid (comm) state ppid pgrp ...": comm may hold spaces and parentheses, so fields start after the last ')'.
                var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
                if (fields[0] == "Z") continue;
                var commandLine = File.ReadAllText(Path.Combine(dir, "cmdline")).Replace('\0', ' ').Trim();
                entries.Add(new Entry(pid, int.Parse(fields[1]), int.Parse(fields[2]), commandLine));
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                // Ended while being read.
            }
        }
        return entries;
    }

    /// <summary>Waits up to <paramref name="timeout"/> for <paramref name="condition"/> over the process table.</summary>
    public static async Task<bool> WaitAsync(Func<IReadOnlyList<Entry>, bool> condition, TimeSpan timeout)
    {
        var until = DateTime.UtcNow + timeout;
        while (true)
        {
            if (condition(Running())) return true;
            if (DateTime.UtcNow > until) return false;
            await Task.Delay(100);
        }
    }
}
