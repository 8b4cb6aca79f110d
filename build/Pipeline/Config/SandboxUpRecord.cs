using System.Text.Json;

namespace Pipeline.Config;

/// <summary>
/// What sandbox/up.sh checked on its last successful run (state dir's up.json): the optional parts, and the
/// daemons it runs with their pid files. While each of them is alive, and no file of this checkout's sandbox/ is
/// newer than the record, a run skips up.sh: a warm up.sh takes 0.7 to 1.8 s, this check a few milliseconds. Any
/// doubt (no record, a dead daemon, an edited script, a part never checked) means running up.sh.
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
        if (app is not null && (record.App?.Name != app.Name || record.App.ProfileSha != app.Sha))
            return record.App?.Name == app.Name ? $"{app.Name}'s profile changed" : $"{app.Name} was not the app it provisioned";
        foreach (var process in record.Processes)
            if (!Alive(process)) return $"{process.Match} ({process.PidFile}) is not running";
        var recorded = File.GetLastWriteTimeUtc(path);
        if (NewerThan(new DirectoryInfo(scripts), recorded) is { } changed) return $"{changed} changed since";
        return null;
    }

    private static bool Alive(Process process)
    {
        try
        {
            var pid = int.Parse(File.ReadAllText(process.PidFile).Trim());
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

    private sealed record Record(string? Sandbox, List<string>? Parts, List<Process>? Processes, AppRecord? App);

    private sealed record AppRecord(string? Name, string? ProfileSha);

    private sealed record Process(string PidFile, string Match);
}
