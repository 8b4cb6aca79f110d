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

    private void Record(int pid, string match, params string[] parts) => Record(pid, match, parts, []);

    private void Record(int pid, string match, string[] parts, object[] apps, int? recordedPid = null)
    {
        var pidFile = Path.Combine(_state, "daemon.pid");
        File.WriteAllText(pidFile, pid.ToString());
        File.WriteAllText(Path.Combine(_state, "up.json"), System.Text.Json.JsonSerializer.Serialize(new
        {
            sandbox = Path.Combine(_repository, "sandbox"),
            parts,
            processes = new[] { new { pidFile, match, pid = recordedPid ?? pid } },
            apps,
        }));
    }

    private static SandboxApp App(string name, string json = "{}") => new(name, json);

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

    [Fact]
    public void Each_app_provisioned_while_the_daemons_ran_skips_up_sh_for_the_parts_it_was_provisioned_on()
    {
        var sample = App("sample-app");
        var other = App("app2", """{"name":"app2"}""");
        Record(Environment.ProcessId, Self, ["staging", "ecs"],
        [
            new { name = "sample-app", profileSha = sample.Sha, parts = new[] { "staging", "ecs" } },
            new { name = "app2", profileSha = other.Sha, parts = new[] { "staging" } },
        ]);

        Assert.Null(SandboxUpRecord.Check(_state, _repository, [], sample));
        Assert.Null(SandboxUpRecord.Check(_state, _repository, ["ecs"], other));
        Assert.Equal("app2 was not provisioned on its ecs part", SandboxUpRecord.Check(_state, _repository, [], other));
        Assert.Equal("sample-app's profile changed", SandboxUpRecord.Check(_state, _repository, [], App("sample-app", "{\"slot\":3}")));
        Assert.Equal("app3 was not provisioned since its daemons started", SandboxUpRecord.Check(_state, _repository, [], App("app3")));
    }

    [Fact]
    public void A_daemon_restarted_by_someone_else_under_another_pid_runs_up_sh()
    {
        // The pid file names this live process, but up.sh recorded another one: the daemon it started is gone.
        Record(Environment.ProcessId, Self, ["staging", "ecs"], [], recordedPid: Environment.ProcessId + 1);
        Assert.Contains("is not running as up.sh left it", SandboxUpRecord.Check(_state, _repository, []));
    }
}
