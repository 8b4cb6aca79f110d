using System.Text.RegularExpressions;

namespace Pipeline.Build;

/// <summary>Pass and fail counts of a `node --test` run.</summary>
public sealed record TestCounts(int Passed, int Failed)
{
    public override string ToString() => $"Passed: {Passed}, Failed: {Failed}";
}

/// <summary>
/// Reads the counts from node's test runner output: "# pass N" / "# fail N" from the TAP reporter (the default
/// without a terminal), "ℹ pass N" from the spec reporter. A run that crashed before its summary has none: null.
/// </summary>
public static partial class NodeTestSummary
{
    public static TestCounts? Parse(IEnumerable<string> lines)
    {
        int? passed = null, failed = null;
        foreach (var line in lines)
        {
            var match = CountLine().Match(line);
            if (!match.Success) continue;
            var value = int.Parse(match.Groups["n"].Value);
            // The last summary wins: nested output of a subprocess may print its own before the run's.
            if (match.Groups["kind"].Value == "pass") passed = value;
            else failed = value;
        }
        return passed is null && failed is null ? null : new TestCounts(passed ?? 0, failed ?? 0);
    }

    [GeneratedRegex(@"^\s*(?:#|ℹ)\s*(?<kind>pass|fail)\s+(?<n>\d+)\s*$")]
    private static partial Regex CountLine();
}
