using Pipeline.Cli;

namespace Pipeline.Tests.Cli;

/// <summary>What the run writes for GitHub: annotations that stay one command, and a job summary in Markdown.</summary>
public sealed class CiReportingTests
{
    [Fact]
    public void An_annotation_is_one_line_whatever_the_message_holds()
    {
        var line = GitHubAnnotation.Error("suite › a, b: c", "expected 1\nactual 2\r\n100% wrong");
        Assert.Equal("::error title=suite › a%2C b%3A c::expected 1%0Aactual 2%0D%0A100%25 wrong", line);
        Assert.DoesNotContain('\n', line);
    }

    [Fact]
    public void The_job_summary_lists_each_target_and_what_the_stages_reported()
    {
        var markdown = StepSummary.Render("run-1",
            [("Restore", "succeeded", TimeSpan.FromSeconds(1.2)), ("Test", "failed", TimeSpan.FromSeconds(12))],
            ["tests: Passed: 3, Failed: 1", "a | pipe"]);
        Assert.Contains("### Pipeline run `run-1`: failed", markdown);
        Assert.Contains("| Restore | succeeded | 1.2 s |", markdown);
        Assert.Contains("| Test | failed | 12.0 s |", markdown);
        Assert.Contains("- tests: Passed: 3, Failed: 1", markdown);
        Assert.Contains("- a \\| pipe", markdown);
    }

    [Fact]
    public void The_job_summary_is_appended_to_the_file_GitHub_names_and_only_then()
    {
        var file = Path.GetTempFileName();
        try
        {
            File.WriteAllText(file, "earlier step\n");
            StepSummary.AppendIfRequested(name => name == StepSummary.Variable ? file : null, "### this run");
            StepSummary.AppendIfRequested(_ => null, "### never written");
            Assert.Equal("earlier step\n### this run\n", File.ReadAllText(file));
        }
        finally
        {
            File.Delete(file);
        }
    }
}
