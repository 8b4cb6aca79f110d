using System.Diagnostics;
using System.Text.RegularExpressions;

namespace Pipeline.Build;

/// <summary>The commit and branch being built. CI variables win over git, since CI checkouts are often detached.</summary>
public sealed partial record SourceRevision(string Sha, string Branch)
{
    public string ShortSha => Sha[..7];

    public static SourceRevision Resolve(string? sha, string? branch, Func<string, string?> environment, Func<string[], string?> git)
    {
        // Where the sha came from, for the error: it may be any of these.
        (sha, var shaSource) = sha is not null ? (sha, "--sha / PIPELINE_SHA")
            : First(environment, "CIRCLE_SHA1", "GITHUB_SHA") ?? (git(["rev-parse", "HEAD"]), "git rev-parse HEAD");
        // On a pull request GITHUB_REF_NAME is "123/merge"; the source branch is in GITHUB_HEAD_REF.
        branch ??= First(environment, "CIRCLE_BRANCH", "GITHUB_HEAD_REF", "GITHUB_REF_NAME")?.Value ?? git(["rev-parse", "--abbrev-ref", "HEAD"]);

        if (sha is null)
            throw new PipelineException(
                "Cannot tell which commit is being built",
                "Run inside a git checkout with at least one commit, or set PIPELINE_SHA (--sha) and PIPELINE_BRANCH (--branch).");
        sha = sha.Trim().ToLowerInvariant();
        if (ShaProblem(sha) is { } problem)
            throw new PipelineException(
                $"{shaSource} is not a commit sha: {problem}",
                "Give the full 40-character hex sha (or at least 7 hex characters) in --sha / PIPELINE_SHA.");
        if (string.IsNullOrWhiteSpace(branch) || branch == "HEAD")
            throw new PipelineException(
                "Cannot tell which branch is being built (the checkout is detached)",
                "Set PIPELINE_BRANCH (--branch), or CIRCLE_BRANCH / GITHUB_REF_NAME as CI does.");
        return new SourceRevision(sha, branch.Trim());
    }

    /// <summary>Runs git in the current directory; null when git or the repository is missing.</summary>
    public static string? Git(string[] args)
    {
        try
        {
            var start = new ProcessStartInfo("git") { RedirectStandardOutput = true, RedirectStandardError = true };
            foreach (var arg in args) start.ArgumentList.Add(arg);
            using var process = Process.Start(start)!;
            var output = process.StandardOutput.ReadToEnd().Trim();
            process.WaitForExit(10_000);
            return process.ExitCode == 0 && output.Length > 0 ? output : null;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return null;
        }
    }

    /// <summary>What is wrong with a sha, without repeating it (it may come from any CI variable); null when it is one.</summary>
    public static string? ShaProblem(string sha) =>
        ShaPattern().IsMatch(sha.ToLowerInvariant()) ? null
            : Config.ValueText.FirstForbidden(sha, c => !char.IsAsciiHexDigit(c)) ?? $"it has {sha.Length} hex digits (7 to 40)";

    private static (string? Value, string Name)? First(Func<string, string?> environment, params string[] names) =>
        names.Select(name => (Value: environment(name), Name: name)).FirstOrDefault(v => !string.IsNullOrWhiteSpace(v.Value)) is { Value: not null } set
            ? set : null;

    [GeneratedRegex(@"^[0-9a-f]{7,40}\z")]
    private static partial Regex ShaPattern();
}
