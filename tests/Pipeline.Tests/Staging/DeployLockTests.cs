using System.Text.Json;
using Pipeline.Staging;

namespace Pipeline.Tests.Staging;

public sealed class DeployLockTests
{
    private static readonly LockHolder Holder = new(
        "ci@runner-7", new DateTimeOffset(2026, 11, 22, 1, 2, 3, TimeSpan.Zero), "DeployStaging", "develop-abc1234", "20261122-010203-a1b2c3");

    [Fact]
    public void The_holder_file_says_who_when_which_target_version_and_run()
    {
        using var json = JsonDocument.Parse(Holder.ToJson());
        var root = json.RootElement;
        Assert.Equal("ci@runner-7", root.GetProperty("who").GetString());
        Assert.Equal("2026-11-22T01:02:03+00:00", root.GetProperty("when").GetString());
        Assert.Equal("DeployStaging", root.GetProperty("target").GetString());
        Assert.Equal("develop-abc1234", root.GetProperty("version").GetString());
        Assert.Equal("20261122-010203-a1b2c3", root.GetProperty("runId").GetString());
        Assert.Equal(Holder, LockHolder.TryParse(Holder.ToJson()));
    }

    [Fact]
    public void The_holder_reads_as_a_sentence_for_the_error()
    {
        Assert.Equal(
            "ci@runner-7 (DeployStaging of develop-abc1234, run 20261122-010203-a1b2c3, since 2026-11-22 01:02:03 UTC)",
            Holder.ToString());
    }

    [Fact]
    public void This_runs_holder_names_the_local_user_and_machine()
    {
        var holder = LockHolder.ForThisRun("Rollback", "previous", "r1", DateTimeOffset.UnixEpoch);
        Assert.Equal($"{Environment.UserName}@{Environment.MachineName}", holder.Who);
    }

    [Fact]
    public void Acquire_is_one_rename_of_a_complete_lock_with_the_holder_as_data()
    {
        // Behaviour: DeployLockScriptTests runs this script against many acquires at once and kills it mid-way.
        var command = DeployLock.AcquireCommand("sample-app", Holder);
        Assert.Equal(["sh", "-c"], command.Argv.Take(2));
        Assert.Contains("if [ ! -e \"$d\" ] && mv \"$t\" \"$d\" 2>/dev/null", command.Argv[2]);
        Assert.Equal(["sh", "sample-app", Holder.ToJson()], command.Argv.Skip(3));
    }

    [Fact]
    public void Release_removes_only_a_lock_held_by_this_run()
    {
        var command = DeployLock.ReleaseCommand("sample-app", "run-9");
        Assert.Contains("grep -qF \"\\\"runId\\\":\\\"$2\\\"\"", command.Argv[2]);
        Assert.Equal(["sh", "sample-app", "run-9"], command.Argv.Skip(3));
    }

    [Theory]
    [InlineData("acquired", "acquired", false)]
    [InlineData("held", "held", false)]
    [InlineData("held\n{not json", "held", false)]
    public void Answers_without_a_readable_holder_have_none(string output, string state, bool hasHolder)
    {
        var (parsedState, holder) = DeployLock.Parse(output);
        Assert.Equal(state, parsedState);
        Assert.Equal(hasHolder, holder is not null);
    }

    [Fact]
    public void A_held_answer_carries_the_holder()
    {
        var (state, holder) = DeployLock.Parse("held\n" + Holder.ToJson() + "\n");
        Assert.Equal("held", state);
        Assert.Equal(Holder, holder);
    }
}
