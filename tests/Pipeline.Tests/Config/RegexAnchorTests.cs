using System.Reflection;
using System.Text.RegularExpressions;
using Pipeline.Docker;

namespace Pipeline.Tests.Config;

/// <summary>
/// In .NET a regex `$` also matches before a final "\n", so a validator ending in `$` passes "sample-app\n" and the
/// newline goes on into a shell line. Every pattern of the pipeline must end its match with `\z`.
/// </summary>
public sealed class RegexAnchorTests
{
    private static IEnumerable<(string Where, string Pattern)> GeneratedPatterns() =>
        typeof(PipelineException).Assembly.GetTypes()
            .SelectMany(t => t.GetMethods(BindingFlags.Static | BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.DeclaredOnly))
            .Select(m => (Method: m, Attribute: m.GetCustomAttribute<GeneratedRegexAttribute>()))
            .Where(x => x.Attribute is not null)
            .Select(x => ($"{x.Method.DeclaringType!.Name}.{x.Method.Name}", x.Attribute!.Pattern));

    /// <summary>True when the pattern uses `$` as an anchor: unescaped and outside a character class.</summary>
    private static bool UsesDollarAnchor(string pattern)
    {
        var inClass = false;
        for (var i = 0; i < pattern.Length; i++)
        {
            switch (pattern[i])
            {
                case '\\':
                    i++;
                    break;
                case '[' when !inClass:
                    inClass = true;
                    break;
                case ']' when inClass:
                    inClass = false;
                    break;
                case '$' when !inClass:
                    return true;
            }
        }
        return false;
    }

    [Fact]
    public void The_pipeline_has_generated_patterns_to_check() =>
        Assert.True(GeneratedPatterns().Count() >= 10, "the reflection found too few [GeneratedRegex] methods to mean anything");

    [Fact]
    public void No_pattern_of_the_pipeline_ends_its_match_with_a_dollar()
    {
        var offending = GeneratedPatterns().Where(p => UsesDollarAnchor(p.Pattern)).Select(p => $"{p.Where}: {p.Pattern}").ToList();
        Assert.True(offending.Count == 0, "anchor these with \\z instead of $:\n" + string.Join("\n", offending));
    }

    [Fact]
    public void A_dockerignore_pattern_does_not_match_a_name_with_a_trailing_newline()
    {
        var pattern = DockerIgnorePattern.Parse("secrets.env")!;
        Assert.True(pattern.Matches("secrets.env"));
        Assert.False(pattern.Matches("secrets.env\n"));
    }
}
