using System.Text.Json;

namespace Pipeline.Config;

/// <summary>
/// What sandbox/up.sh checked on its last successful run (state dir's up.json): the optional parts, and the
/// daemons it runs with their pid files. While each of them is alive, and no file of this checkout's sandbox/ is
/// newer than the record, a run skips up.sh: a warm up.sh takes 0.7 to 1.8 s, this check a few milliseconds. Any
/// doubt (no record, a dead daemon, an edited script, a part never checked) means running up.sh. The record lists
/// every app provisioned while these daemons ran, with its profile's sha and the parts provisioned for it, so runs
/// of two apps in turn (or a suite's throwaway app between the sample app's runs) provision each app only once.
/// </summary>
public static class SandboxUpRecord
{
    private static readonly JsonSerializerOptions Json = new() { PropertyNameCaseInsensitive = true };

    /// <returns>Null when the sandbox is up as recorded; otherwise why up.sh must run.</returns>
    public static string? Check(string stateDirectory, string repositoryRoot, IReadOnlyCollection<string> without, SandboxApp? app = null)
    {
        var path = Path.Combine(stateDirectory, "up.json");
        Record? record;
        try
        {
            record = JsonSerializer.Deserialize<Record>(File.ReadAllText(path), Json);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or JsonException)
        {
            return "no record of a complete sandbox/up.sh run";
        }
        if (record?.Processes is null || record.Parts is null || record.Sandbox is null) return "an unreadable up.json";
        var scripts = Path.Combine(repositoryRoot, "sandbox");
        if (Path.GetFullPath(record.Sandbox) != Path.GetFullPath(scripts)) return $"it was brought up by {record.Sandbox}";
        if (SandboxParts.Optional.Except(without).FirstOrDefault(part => !record.Parts.Contains(part)) is { } missing)
            return $"its {missing} part was not checked";
        if (app is not null && AppMissing(record.Apps ?? [], app, without) is { } why) return why;
        foreach (var process in record.Processes)
            if (!Alive(process)) return $"{process.Match} ({process.PidFile}) is not running as up.sh left it";
        var recorded = File.GetLastWriteTimeUtc(path);
        if (NewerThan(new DirectoryInfo(scripts), recorded) is { } changed) return $"{changed} changed since";
        return null;
    }

    private static string? AppMissing(List<AppRecord> apps, SandboxApp app, IReadOnlyCollection<string> without)
    {
        var provisioned = apps.FirstOrDefault(a => a.Name == app.Name);
        if (provisioned is null) return $"{app.Name} was not provisioned since its daemons started";
        if (provisioned.ProfileSha != app.Sha) return $"{app.Name}'s profile changed";
        return SandboxParts.Optional.Except(without).FirstOrDefault(part => provisioned.Parts?.Contains(part) != true) is { } part
            ? $"{app.Name} was not provisioned on its {part} part"
            : null;
    }

    // A pid file that now names another process means the daemon was restarted by someone else since the record.
    private static bool Alive(Process process)
    {
        try
        {
            var pid = int.Parse(File.ReadAllText(process.PidFile).Trim());
            if (process.Pid is { } recorded && recorded != pid) return false;
            return File.ReadAllText($"/proc/{pid}/cmdline").Replace('\0', ' ').Contains(process.Match, StringComparison.Ordinal);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or FormatException or OverflowException)
        {
            return false;
        }
    }

    // The endpoint's own build output (bin, obj) is not a source.
    private static string? NewerThan(DirectoryInfo directory, DateTime when)
    {
        foreach (var file in directory.EnumerateFiles())
            if (file.LastWriteTimeUtc > when) return file.FullName;
        foreach (var child in directory.EnumerateDirectories())
            if (child.Name is not ("bin" or "obj") && NewerThan(child, when) is { } changed) return changed;
        return null;
    }

    private sealed record Record(string? Sandbox, List<string>? Parts, List<Process>? Processes, List<AppRecord>? Apps);

    private sealed record AppRecord(string? Name, string? ProfileSha, List<string>? Parts);

    private sealed record Process(string PidFile, string Match, int? Pid);
}
