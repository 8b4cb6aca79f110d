using System.Diagnostics;
using Pipeline.Config;

namespace Pipeline.Tests.Config;

/// <summary>The quick sandbox check: up.sh runs unless every daemon it recorded is alive, no script changed, and the parts were checked.</summary>
public sealed class SandboxUpRecordTests : IDisposable
{
    private readonly string _state = Directory.CreateTempSubdirectory("sandbox-state-").FullName;
    private readonly string _repository = Directory.CreateTempSubdirectory("sandbox-repo-").FullName;

    // This test process stands for a live daemon: its command line holds its own program's name.
    private static readonly string Self = Path.GetFileName(Environment.ProcessPath!);

    public SandboxUpRecordTests() => File.WriteAllText(Path.Combine(Directory.CreateDirectory(Path.Combine(_repository, "sandbox")).FullName, "up.sh"), "#!/bin/sh\n");

    public void Dispose()
    {
        Directory.Delete(_state, recursive: true);
        Directory.Delete(_repository, recursive: true);
    }

    private void Record(int pid, string match, params string[] parts)
    {
        var pidFile = Path.Combine(_state, "daemon.pid");
        File.WriteAllText(pidFile, pid.ToString());
        File.WriteAllText(Path.Combine(_state, "up.json"), System.Text.Json.JsonSerializer.Serialize(new
        {
            sandbox = Path.Combine(_repository, "sandbox"),
            parts,
            processes = new[] { new { pidFile, match } },
        }));
    }

    [Fact]
    public void A_recorded_live_daemon_and_unchanged_scripts_skip_up_sh()
    {
        Record(Environment.ProcessId, Self, "staging", "ecs");
        Assert.Null(SandboxUpRecord.Check(_state, _repository, []));
    }

    [Fact]
    public void A_dead_daemon_a_pid_reused_by_another_program_or_no_record_runs_up_sh()
    {
        using var ended = Process.Start("true")!;
        ended.WaitForExit();
        Record(ended.Id, Self, "staging", "ecs");
        Assert.Contains("is not running", SandboxUpRecord.Check(_state, _repository, []));
        Record(Environment.ProcessId, "dockerd", "staging", "ecs");
        Assert.Contains("dockerd", SandboxUpRecord.Check(_state, _repository, []));
        File.Delete(Path.Combine(_state, "up.json"));
        Assert.Contains("no record", SandboxUpRecord.Check(_state, _repository, []));
    }

    [Fact]
    public void A_part_up_sh_did_not_check_runs_it_unless_the_run_leaves_that_part_out()
    {
        Record(Environment.ProcessId, Self, "ecs");
        Assert.Contains("staging part was not checked", SandboxUpRecord.Check(_state, _repository, []));
        Assert.Null(SandboxUpRecord.Check(_state, _repository, ["staging"]));
    }

    [Fact]
    public void A_sandbox_file_newer_than_the_record_runs_up_sh()
    {
        Record(Environment.ProcessId, Self, "staging", "ecs");
        File.SetLastWriteTimeUtc(Path.Combine(_state, "up.json"), DateTime.UtcNow.AddMinutes(-1));
        Assert.Contains("up.sh changed since", SandboxUpRecord.Check(_state, _repository, []));
    }
}
