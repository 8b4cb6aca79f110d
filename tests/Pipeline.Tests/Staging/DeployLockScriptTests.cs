using System.Diagnostics;
using Pipeline.Staging;

namespace Pipeline.Tests.Staging;

/// <summary>
/// The lock's remote scripts, run by a real sh against a HOME of the test's own (they use nothing but POSIX tools):
/// exactly one of many simultaneous acquires wins, and a lock that exists always names its holder, so the holder's
/// release (which a run attempts whatever happened) removes it.
/// </summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public sealed class DeployLockScriptTests : IDisposable
{
    private readonly string _home = Directory.CreateTempSubdirectory("lock-home-").FullName;

    public void Dispose() => Directory.Delete(_home, recursive: true);

    private static LockHolder Holder(string runId) => new("ci@runner", DateTimeOffset.UnixEpoch, "DeployStaging", "develop-abc1234", runId);

    private async Task<string> RunAsync(RemoteCommand command, string? path = null, bool mayDie = false)
    {
        var start = new ProcessStartInfo("sh", ["-c", command.Line]) { RedirectStandardOutput = true, RedirectStandardError = true };
        start.Environment["HOME"] = _home;
        if (path is not null) start.Environment["PATH"] = path + ":" + Environment.GetEnvironmentVariable("PATH");
        using var process = Process.Start(start)!;
        var output = await process.StandardOutput.ReadToEndAsync();
        await process.WaitForExitAsync();
        Assert.True(mayDie || process.ExitCode == 0, await process.StandardError.ReadToEndAsync());
        return output;
    }

    [Theory]
    [InlineData("mktemp")]
    [InlineData("mv")]
    [InlineData("cat")]
    public async Task An_acquire_killed_at_any_step_leaves_no_lock_or_one_its_release_removes(string killedAt)
    {
        // The host's shell dies (a dropped connection, a cancel) the moment the script reaches this tool.
        var bin = Directory.CreateDirectory(Path.Combine(_home, "bin")).FullName;
        var fake = Path.Combine(bin, killedAt);
        File.WriteAllText(fake, "#!/bin/sh\nkill -9 $PPID\n");
        File.SetUnixFileMode(fake, (UnixFileMode)0b111_101_101);
        await RunAsync(DeployLock.AcquireCommand("app", Holder("run-1")), bin, mayDie: true);
        File.Delete(fake);

        await RunAsync(DeployLock.ReleaseCommand("app", "run-1"));
        Assert.False(Directory.Exists(LockDirectory), $"the lock outlived the release of the run that made it (killed at {killedAt})");
    }

    private string LockDirectory => Path.Combine(_home, ".pipeline", "locks", "app");

    [Fact]
    public async Task Of_many_acquires_at_once_exactly_one_wins_and_the_lock_names_it()
    {
        var answers = await Task.WhenAll(Enumerable.Range(0, 12).Select(i => RunAsync(DeployLock.AcquireCommand("app", Holder($"run-{i}")))));
        var winners = answers.Select((answer, i) => (answer, i)).Where(a => a.answer.StartsWith("acquired")).ToList();
        var winner = Assert.Single(winners);
        Assert.Equal(["holder.json"], Directory.GetFileSystemEntries(LockDirectory).Select(Path.GetFileName));
        Assert.Contains($"\"runId\":\"run-{winner.i}\"", File.ReadAllText(Path.Combine(LockDirectory, "holder.json")));
        Assert.All(answers.Where(a => !a.StartsWith("acquired")), a => Assert.StartsWith("held", a));
        // The losers' temp directories are gone too: only the lock itself is left.
        Assert.Equal(["app"], Directory.GetFileSystemEntries(Path.GetDirectoryName(LockDirectory)!).Select(Path.GetFileName));
    }

    [Fact]
    public async Task The_lock_exists_only_complete_so_the_holders_release_always_removes_it()
    {
        Assert.StartsWith("acquired", await RunAsync(DeployLock.AcquireCommand("app", Holder("run-1"))));
        Assert.Contains("not held by run-2", await RunAsync(DeployLock.ReleaseCommand("app", "run-2")));
        Assert.True(Directory.Exists(LockDirectory));
        Assert.StartsWith("released", await RunAsync(DeployLock.ReleaseCommand("app", "run-1")));
        Assert.False(Directory.Exists(LockDirectory));
    }

    [Fact]
    public async Task An_acquire_cut_off_before_its_rename_leaves_no_lock_and_its_temp_directory_goes_later()
    {
        // What an interrupted acquire leaves at worst: its hidden temp directory, holder written, never renamed.
        var locks = Path.GetDirectoryName(LockDirectory)!;
        var stray = Directory.CreateDirectory(Path.Combine(locks, ".app.AbC123")).FullName;
        File.WriteAllText(Path.Combine(stray, "holder.json"), "{}");
        Directory.SetLastWriteTimeUtc(stray, DateTime.UtcNow.AddHours(-2));

        Assert.StartsWith("free", await RunAsync(DeployLock.ShowCommand("app")));
        Assert.StartsWith("acquired", await RunAsync(DeployLock.AcquireCommand("app", Holder("run-3"))));
        Assert.False(Directory.Exists(stray));
    }
}
