using Pipeline.Docker;

namespace Pipeline.Tests.Docker;

public sealed class DockerIgnoreTests
{
    // Cases from Docker's .dockerignore documentation and moby's patternmatcher tests.
    [Theory]
    [InlineData("*/temp*", "somedir/temporary.txt", true)]
    [InlineData("*/temp*", "somedir/temp", true)]
    [InlineData("*/temp*", "temp.txt", false)]
    [InlineData("*/temp*", "a/b/temp.txt", false)]
    [InlineData("*/*/temp*", "somedir/subdir/temporary.txt", true)]
    [InlineData("temp?", "tempa", true)]
    [InlineData("temp?", "temp", false)]
    [InlineData("temp?", "tempab", false)]
    [InlineData("**/*.go", "main.go", true)]
    [InlineData("**/*.go", "cmd/tool/main.go", true)]
    [InlineData("**/*.go", "main.go.txt", false)]
    [InlineData("*.txt", "notes.txt", true)]
    // Unlike .gitignore, a pattern without a slash is anchored at the context root.
    [InlineData("*.txt", "sub/notes.txt", false)]
    [InlineData("a?b", "a/b", false)]
    [InlineData("node_modules", "node_modules/pkg/index.js", true)]
    [InlineData("node_modules", "src/node_modules/x.js", false)]
    [InlineData("/secret", "secret/key", true)]
    [InlineData("./build//out/", "build/out/app.dll", true)]
    [InlineData("docs/../dist", "dist/app.js", true)]
    [InlineData("docs/../dist", "docs/dist", false)]
    [InlineData("dir/**", "dir/a/b", true)]
    [InlineData("dir/**", "dir", false)]
    [InlineData("**", "anything/at/all", true)]
    [InlineData("src/**/test", "src/test", true)]
    [InlineData("src/**/test", "src/a/b/test", true)]
    [InlineData("[a-c].txt", "b.txt", true)]
    [InlineData("[a-c].txt", "d.txt", false)]
    [InlineData("[^a].txt", "b.txt", true)]
    [InlineData("[^a].txt", "a.txt", false)]
    [InlineData("[]x].txt", "].txt", true)]
    [InlineData(@"\*.txt", "*.txt", true)]
    [InlineData(@"\*.txt", "a.txt", false)]
    [InlineData("a.b", "axb", false)]
    [InlineData("file(1)+", "file(1)+", true)]
    public void Pattern_matches_like_docker(string pattern, string path, bool excluded)
    {
        Assert.Equal(excluded, DockerIgnore.Parse(pattern).IsExcluded(path));
    }

    [Theory]
    [InlineData("README.md", false)]
    [InlineData("CHANGES.md", true)]
    [InlineData("README-secret.md", true)]
    [InlineData("main.go", false)]
    public void Later_exception_reincludes_and_later_exclusion_wins_again(string path, bool excluded)
    {
        var ignore = DockerIgnore.Parse("*.md\n!README*.md\nREADME-secret.md\n");
        Assert.Equal(excluded, ignore.IsExcluded(path));
    }

    [Fact]
    public void Exception_before_exclusion_loses_because_the_last_match_wins()
    {
        var ignore = DockerIgnore.Parse("*.md\nREADME-secret.md\n!README*.md\n");
        Assert.False(ignore.IsExcluded("README-secret.md"));
        Assert.True(ignore.IsExcluded("CHANGES.md"));
    }

    [Fact]
    public void Comments_and_blank_lines_are_not_patterns()
    {
        var ignore = DockerIgnore.Parse("\uFEFF# a comment\n\n   \r\n*.log\r\n");
        Assert.Equal(["*.log"], ignore.Patterns.Select(p => p.ToString()));
    }

    [Fact]
    public void Exception_inside_an_excluded_directory_keeps_that_file()
    {
        var ignore = DockerIgnore.Parse("docs\n!docs/keep.md\n");
        Assert.True(ignore.IsExcluded("docs"));
        Assert.True(ignore.IsExcluded("docs/other.md"));
        Assert.False(ignore.IsExcluded("docs/keep.md"));
        Assert.True(ignore.MayIncludeBelow("docs"));
        Assert.False(ignore.MayIncludeBelow("other"));
    }

    [Fact]
    public void Wildcard_exception_does_not_reopen_an_excluded_directory_as_in_docker()
    {
        var ignore = DockerIgnore.Parse("docs\n!*/keep.md\n");
        Assert.False(ignore.MayIncludeBelow("docs"));
    }

    [Fact]
    public void Dockerfile_and_dockerignore_are_kept_even_when_ignored()
    {
        var ignore = DockerIgnore.Parse("*\n").KeepingBuildFiles("docker/Dockerfile");
        Assert.False(ignore.IsExcluded(".dockerignore"));
        Assert.False(ignore.IsExcluded("docker/Dockerfile"));
        Assert.True(ignore.IsExcluded("docker/other"));
        Assert.True(ignore.MayIncludeBelow("docker"));
    }

    [Theory]
    [InlineData("[abc")]
    [InlineData("!")]
    public void Invalid_pattern_is_a_clear_error(string line)
    {
        var failure = Assert.Throws<PipelineException>(() => DockerIgnore.Parse(line));
        Assert.Contains(".dockerignore", failure.Message);
    }

    [Theory]
    [InlineData("a//b/./c/", "a/b/c")]
    [InlineData("./", ".")]
    [InlineData("a/../..", "..")]
    [InlineData("/../a", "/a")]
    [InlineData("a/b/../c", "a/c")]
    public void Paths_are_cleaned_like_go_filepath_clean(string input, string cleaned)
    {
        Assert.Equal(cleaned, DockerIgnorePattern.CleanPath(input));
    }
}
