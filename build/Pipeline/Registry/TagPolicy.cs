using System.Text.RegularExpressions;
using Pipeline.Build;

namespace Pipeline.Registry;

/// <summary>
/// The tag a release image is pushed under: `master-&lt;sha7&gt;` from a main branch and `develop-&lt;sha7&gt;`
/// from any other, as in the original setup. A prefix of "{branch}" uses the branch name, made into a valid tag.
/// </summary>
public static partial class TagPolicy
{
    public const string BranchPlaceholder = "{branch}";
    private const int MaxTagLength = 128;

    public static string For(SourceRevision revision, bool isMainBranch, string productionPrefix, string stagingPrefix, string? explicitTag)
    {
        if (explicitTag is not null) return Validate(explicitTag, "--tag");
        var prefix = isMainBranch ? productionPrefix : stagingPrefix;
        if (prefix == BranchPlaceholder) prefix = Sanitize(revision.Branch);
        return Validate($"{prefix}-{revision.ShortSha}", isMainBranch ? "--production-tag-prefix" : "--staging-tag-prefix");
    }

    /// <summary>
    /// A branch name as a tag: characters a tag cannot hold (/, ;, spaces, ..) become '-', and it may not start
    /// with '.' or '-'. "feature/x;rm -rf" becomes "feature-x-rm-rf".
    /// </summary>
    public static string Sanitize(string branch)
    {
        var cleaned = InvalidRun().Replace(branch, "-");
        cleaned = RepeatedDashes().Replace(RepeatedDots().Replace(cleaned, "."), "-").Trim('-', '.');
        if (cleaned.Length > MaxTagLength - 8) cleaned = cleaned[..(MaxTagLength - 8)].TrimEnd('-', '.');
        if (cleaned.Length == 0)
            throw new PipelineException(
                $"Branch '{branch}' has nothing that can be used in an image tag",
                "Use a branch name with letters or digits, or set --staging-tag-prefix to a fixed prefix.");
        return cleaned;
    }

    /// <summary>Refuses anything Docker does not accept as a tag, before any call is made.</summary>
    public static string Validate(string tag, string origin)
    {
        if (IsValid(tag)) return tag;
        throw new PipelineException($"{origin}: '{tag}' is not a valid image tag", Rule);
    }

    public const string Rule = "A tag has up to 128 letters, digits, '_', '.' and '-', and starts with a letter, digit or '_'.";

    public static bool IsValid(string tag) => ValidTag().IsMatch(tag) && !tag.Contains("..");

    [GeneratedRegex("[^A-Za-z0-9_.-]+")]
    private static partial Regex InvalidRun();

    [GeneratedRegex(@"\.{2,}")]
    private static partial Regex RepeatedDots();

    [GeneratedRegex("-{2,}")]
    private static partial Regex RepeatedDashes();

    [GeneratedRegex(@"^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}\z")]
    private static partial Regex ValidTag();
}
