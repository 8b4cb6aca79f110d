using System.Text.RegularExpressions;

namespace Pipeline.Build;

/// <summary>
/// The counts of a `node --test` run. <paramref name="Failed"/> includes the <paramref name="Cancelled"/> tests (node
/// counts those apart, e.g. the tests cut off by a suite timeout, but they did not pass); skipped and todo tests are
/// neither passed nor failed. ToString always starts "Passed: N, Failed: N" (test.sh greps for that).
/// </summary>
public sealed record TestCounts(int Passed, int Failed, int Cancelled = 0, int Skipped = 0, int Todo = 0)
{
    public override string ToString()
    {
        var text = $"Passed: {Passed}, Failed: {Failed}";
        if (Cancelled > 0) text += $" ({Cancelled} cancelled)";
        if (Skipped > 0) text += $", Skipped: {Skipped}";
        if (Todo > 0) text += $", Todo: {Todo}";
        return text;
    }
}

/// <summary>
/// Reads the counts from node's test runner output: "# pass N", "# fail N", "# cancelled N", "# skipped N",
/// "# todo N" from the TAP reporter (the sample app asks for it), "ℹ pass N" etc. from the spec reporter (node's
/// default since node 23, terminal or not). A run that crashed before its summary has none: null.
/// </summary>
public static partial class NodeTestSummary
{
    public static TestCounts? Parse(IEnumerable<string> lines)
    {
        var counts = new Dictionary<string, int>();
        foreach (var line in lines)
        {
            var match = CountLine().Match(line);
            if (!match.Success) continue;
            // The last summary wins: nested output of a subprocess may print its own before the run's.
            counts[match.Groups["kind"].Value] = int.Parse(match.Groups["n"].Value);
        }
        if (counts.Count == 0) return null;
        int Count(string kind) => counts.GetValueOrDefault(kind);
        var cancelled = Count("cancelled");
        return new TestCounts(Count("pass"), Count("fail") + cancelled, cancelled, Count("skipped"), Count("todo"));
    }

    [GeneratedRegex(@"^\s*(?:#|ℹ)\s*(?<kind>pass|fail|cancelled|skipped|todo)\s+(?<n>\d+)\s*\z")]
    private static partial Regex CountLine();
}
