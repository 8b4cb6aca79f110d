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
    [InlineData("~/sample-app.env", "'~/sample-app.env'")]
    [InlineData("~root/x", "'~root/x'")]
    [InlineData("/srv/app.env", "/srv/app.env")]
    public void Quote_renders_one_word_the_shell_reads_back_unchanged(string value, string expected) =>
        Assert.Equal(expected, ShellQuote.Quote(value));

    [Fact]
    public async Task Hostile_values_survive_a_real_posix_shell_unchanged()
    {
        string[] hostile = ["a;b", "$(touch /tmp/pwned-by-quote)", "`id`", "it's", "\"q\"", "x y", "*", "$HOME", "\\n", "", "'", "''\\''"];
        var line = ShellQuote.Join(["printf", "%s\\0", .. hostile]);
        var raw = new List<string>();
        var exit = await LocalProcess.RunAsync("sh", ["-c", line], raw.Add, TimeSpan.FromSeconds(10), TestContext.Current.CancellationToken);
        Assert.Equal(0, exit);
        var words = string.Join("\n", raw).Split('\0');
        Assert.Equal(hostile, words[..^1]);
        Assert.False(File.Exists("/tmp/pwned-by-quote"));
    }

    [Theory]
    [InlineData("~/sample-app.env", "~/sample-app.env")]
    [InlineData("~/my env;x", "~/'my env;x'")]
    [InlineData("~/", "~/")]
    [InlineData("/srv/app.env", "/srv/app.env")]
    [InlineData("~root/x", "'~root/x'")]
    public void A_home_path_keeps_its_leading_tilde_slash_outside_the_quotes(string path, string expected) =>
        Assert.Equal(expected, ShellQuote.QuoteHomePath(path));

    [Fact]
    public async Task Only_a_home_path_is_expanded_by_the_remote_shell_any_other_word_keeps_its_tilde()
    {
        var command = new RemoteCommand("t", ["docker", "login", "--username", "~/deploy", "--env-file", "~/app.env"], RemoteCommand.DefaultTimeout) { HomePaths = [5] };
        var raw = new List<string>();
        var exit = await LocalProcess.RunAsync("sh", ["-c", "HOME=/home/h; printf '%s\\0' " + command.Line], raw.Add, TimeSpan.FromSeconds(10), TestContext.Current.CancellationToken);
        Assert.Equal(0, exit);
        Assert.Equal(["docker", "login", "--username", "~/deploy", "--env-file", "/home/h/app.env", ""], string.Join("\n", raw).Split('\0'));
    }

    public static TheoryData<char> ControlCharacters() => new(Enumerable.Range(0, 0x20).Append(0x7f).Concat(Enumerable.Range(0x80, 0x20)).Select(c => (char)c));

    [Theory]
    [MemberData(nameof(ControlCharacters))]
    public void Quote_refuses_every_control_character_since_posix_sh_cannot_quote_it_on_one_line(char control)
    {
        var error = Assert.Throws<PipelineException>(() => ShellQuote.Quote("sample-app" + control));
        Assert.DoesNotContain(control, error.Message + error.Fix);
        Assert.Contains("sample-app", error.Message);
    }

    [Fact]
    public void A_refused_value_is_shown_with_its_control_characters_escaped()
    {
        var error = Assert.Throws<PipelineException>(() => ShellQuote.Quote("sample-app\n"));
        Assert.Contains(@"'sample-app\n'", error.Message);
        Assert.Contains("line break", error.Message);
    }

    [Fact]
    public void A_trailing_newline_is_never_left_bare()
    {
        Assert.Throws<PipelineException>(() => ShellQuote.Join(["docker", "rm", "sample-app\n"]));
    }

    [Theory]
    [InlineData("line1\nline2", "'line1\nline2'")]
    [InlineData("set -e\ndocker pull \"$1\"\n", "'set -e\ndocker pull \"$1\"\n'")]
    public void A_text_the_pipeline_wrote_may_span_lines_inside_single_quotes(string text, string expected) =>
        Assert.Equal(expected, ShellQuote.QuoteText(text));

    [Fact]
    public void A_text_still_refuses_other_control_characters() =>
        Assert.Throws<PipelineException>(() => ShellQuote.QuoteText("a\rb"));
}
