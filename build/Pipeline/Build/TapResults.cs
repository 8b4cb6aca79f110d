using System.Globalization;
using System.Text.RegularExpressions;

namespace Pipeline.Build;

/// <summary>One test's result, with the suites it sits in (outermost first).</summary>
public sealed record TestCaseResult(
    IReadOnlyList<string> Suites, string Name, TestOutcome Outcome, TimeSpan Duration, string? Message)
{
    public string SuitePath => Suites.Count == 0 ? "(top level)" : string.Join(" › ", Suites);
}

public enum TestOutcome { Passed, Failed, Skipped }

/// <summary>
/// Reads the test points of node's TAP output (`--test-reporter=tap`, which the sample app's `npm test` passes: since
/// node 23 the runner's default is the spec reporter, terminal or not): `# Subtest:` opens a level, `ok`/`not ok`
/// closes it, and the YAML block after it says whether it was a suite, how long it took and why it failed. Suites
/// become paths, tests become cases. Written by hand: no TAP reader is served here, and node's nesting by indentation
/// is all it takes.
/// </summary>
public static partial class TapResults
{
    public static IReadOnlyList<TestCaseResult> Parse(IEnumerable<string> lines)
    {
        var results = new List<TestCaseResult>();
        var open = new List<(int Indent, string Name)>();
        var all = lines.ToList();
        for (var i = 0; i < all.Count; i++)
        {
            var subtest = Subtest().Match(all[i]);
            if (subtest.Success)
            {
                var indent = subtest.Groups["indent"].Length;
                open.RemoveAll(o => o.Indent >= indent);
                open.Add((indent, subtest.Groups["name"].Value.Trim()));
                continue;
            }
            var point = Point().Match(all[i]);
            if (!point.Success) continue;
            var pointIndent = point.Groups["indent"].Length;
            var yaml = ReadYamlBlock(all, ref i, pointIndent);
            open.RemoveAll(o => o.Indent > pointIndent);
            var name = point.Groups["name"].Value.Trim();
            if (open.Count > 0 && open[^1].Indent == pointIndent) open.RemoveAt(open.Count - 1);
            if (yaml.TryGetValue("type", out var type) && type.Trim('\'', '"') == "suite") continue;

            var directive = point.Groups["directive"].Value.ToUpperInvariant();
            var outcome = point.Groups["not"].Success ? TestOutcome.Failed
                : directive is "SKIP" or "TODO" ? TestOutcome.Skipped
                : TestOutcome.Passed;
            var duration = yaml.TryGetValue("duration_ms", out var ms) && double.TryParse(ms, CultureInfo.InvariantCulture, out var value)
                ? TimeSpan.FromTicks((long)Math.Round(value * TimeSpan.TicksPerMillisecond)) : TimeSpan.Zero;
            string? message = null;
            if (outcome == TestOutcome.Failed)
                message = yaml.GetValueOrDefault("error") ?? yaml.GetValueOrDefault("failureType") ?? "failed";
            results.Add(new TestCaseResult(open.Select(o => o.Name).ToList(), name, outcome, duration, message));
        }
        return results;
    }

    // The block after a test point: "---" at the point's indent + 2, "key: value" lines (a value of "|-" takes
    // the deeper-indented lines after it), and "...". Advances the index past it.
    private static Dictionary<string, string> ReadYamlBlock(List<string> lines, ref int index, int pointIndent)
    {
        var values = new Dictionary<string, string>();
        if (index + 1 >= lines.Count || lines[index + 1].Trim() != "---") return values;
        var i = index + 2;
        string? multilineKey = null;
        var multiline = new List<string>();
        var keyIndent = pointIndent + 2;
        for (; i < lines.Count; i++)
        {
            var line = lines[i];
            if (line.Trim() == "...") break;
            var indent = line.Length - line.TrimStart().Length;
            if (multilineKey is not null && (indent > keyIndent || line.Trim().Length == 0))
            {
                multiline.Add(line.Trim());
                continue;
            }
            if (multilineKey is not null) values[multilineKey] = string.Join("\n", multiline).Trim();
            multilineKey = null;
            multiline.Clear();
            var pair = YamlPair().Match(line);
            if (!pair.Success || indent != keyIndent) continue;
            var key = pair.Groups["key"].Value;
            var value = pair.Groups["value"].Value.Trim();
            if (value is "|-" or "|" or ">-" or ">") multilineKey = key;
            else values[key] = value.Trim('\'', '"');
        }
        if (multilineKey is not null) values[multilineKey] = string.Join("\n", multiline).Trim();
        index = i;
        return values;
    }

    [GeneratedRegex(@"^(?<indent>\s*)# Subtest: (?<name>.*)\z")]
    private static partial Regex Subtest();

    [GeneratedRegex(@"^(?<indent>\s*)(?<not>not )?ok \d+(?: - (?<name>.*?))?(?:\s+#\s*(?<directive>SKIP|TODO)\b.*)?\z", RegexOptions.IgnoreCase)]
    private static partial Regex Point();

    [GeneratedRegex(@"^\s*(?<key>[A-Za-z_]+):(?<value>.*)\z")]
    private static partial Regex YamlPair();
}
