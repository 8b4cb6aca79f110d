using System.Text.RegularExpressions;

namespace Pipeline.Ci;

/// <summary>
/// Branch names that go into the generated files: into a GitHub expression (`github.ref == 'refs/heads/…'`) and a
/// CircleCI branch filter. Only plain branch names pass, so nothing pasted there can change what the file means
/// (a quote in "develop' || true || 'x" would make the staging deploy, which gets the SSH key, run on every branch).
/// </summary>
public static partial class CiBranch
{
    public static string Validate(string branch, string origin)
    {
        if (IsPlain(branch)) return branch;
        throw new PipelineException($"{origin}: '{Config.ValueText.Escape(branch)}' is not a plain branch name", Rule);
    }

    public const string Rule =
        "Use letters, digits and . _ - / (as in develop, release/2.x), starting with a letter or digit: the name is written into GitHub expressions and CircleCI filters.";

    public static bool IsPlain(string branch) =>
        Plain().IsMatch(branch) && !branch.Contains("..") && !branch.Contains("//") &&
        !branch.EndsWith('/') && !branch.EndsWith('.') && !branch.EndsWith(".lock", StringComparison.Ordinal) && branch.Length <= 200;

    [GeneratedRegex(@"^[A-Za-z0-9][A-Za-z0-9._/-]*\z")]
    private static partial Regex Plain();
}
