using Pipeline.Staging;

namespace Pipeline.Tests.Staging;

public sealed class ShellQuoteTests
{
    [Theory]
    [InlineData("docker", "docker")]
    [InlineData("127.0.0.1:5000/sample-app:develop-abc1234", "127.0.0.1:5000/sample-app:develop-abc1234")]
    [InlineData("label=pipeline.staging.app=sample-app", "label=pipeline.staging.app=sample-app")]
    [InlineData("", "''")]
    [InlineData("two words", "'two words'")]
    [InlineData("a;rm -rf /", "'a;rm -rf /'")]
    [InlineData("$(reboot)", "'$(reboot)'")]
    [InlineData("`id`", "'`id`'")]
    [InlineData("it's", "'it'\\''s'")]
    [InlineData("\"quoted\"", "'\"quoted\"'")]
    [InlineData("line1\nline2", "'line1\nline2'")]
    [InlineData("~/sample-app.env", "~/sample-app.env")]
    [InlineData("~/my env;x", "~/'my env;x'")]
    [InlineData("~root/x", "'~root/x'")]
    [InlineData("/srv/app.env", "/srv/app.env")]
    public void Quote_renders_one_word_the_shell_reads_back_unchanged(string value, string expected) =>
        Assert.Equal(expected, ShellQuote.Quote(value));

    [Fact]
    public async Task Hostile_values_survive_a_real_posix_shell_unchanged()
    {
        string[] hostile = ["a;b", "$(touch /tmp/pwned-by-quote)", "`id`", "it's", "\"q\"", "x y", "l1\nl2", "*", "$HOME", "\\n", "", "'", "''\\''"];
        var line = ShellQuote.Join(["printf", "%s\\0", .. hostile]);
        var raw = new List<string>();
        var exit = await LocalProcess.RunAsync("sh", ["-c", line], raw.Add, TimeSpan.FromSeconds(10), TestContext.Current.CancellationToken);
        Assert.Equal(0, exit);
        var words = string.Join("\n", raw).Split('\0');
        Assert.Equal(hostile, words[..^1]);
        Assert.False(File.Exists("/tmp/pwned-by-quote"));
    }
}
