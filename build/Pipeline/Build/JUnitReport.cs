using System.Globalization;
using System.Xml.Linq;

namespace Pipeline.Build;

/// <summary>
/// Test results as JUnit XML, the format CircleCI's store_test_results and most CI dashboards read: one
/// testsuite per suite path, one testcase per test.
/// </summary>
public static class JUnitReport
{
    public const string FileName = "junit.xml";

    public static XDocument Build(string runName, IReadOnlyList<TestCaseResult> cases)
    {
        var suites = cases.GroupBy(c => c.SuitePath).Select(group => new XElement("testsuite",
            new XAttribute("name", group.Key),
            Counts(group.ToList()),
            group.Select(Case)));
        return new XDocument(new XElement("testsuites", new XAttribute("name", runName), Counts(cases), suites));
    }

    public static async Task WriteAsync(string path, XDocument report, CancellationToken cancellation)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        var temp = path + ".tmp";
        await using (var file = File.Create(temp))
            await report.SaveAsync(file, SaveOptions.None, cancellation);
        File.Move(temp, path, overwrite: true);
    }

    private static object[] Counts(IReadOnlyList<TestCaseResult> cases) =>
    [
        new XAttribute("tests", cases.Count),
        new XAttribute("failures", cases.Count(c => c.Outcome == TestOutcome.Failed)),
        new XAttribute("skipped", cases.Count(c => c.Outcome == TestOutcome.Skipped)),
        new XAttribute("time", Seconds(cases.Aggregate(TimeSpan.Zero, (sum, c) => sum + c.Duration))),
    ];

    private static XElement Case(TestCaseResult result)
    {
        var element = new XElement("testcase",
            new XAttribute("classname", result.SuitePath),
            new XAttribute("name", result.Name),
            new XAttribute("time", Seconds(result.Duration)));
        if (result.Outcome == TestOutcome.Failed)
            element.Add(new XElement("failure", new XAttribute("message", FirstLine(result.Message)), result.Message ?? ""));
        if (result.Outcome == TestOutcome.Skipped) element.Add(new XElement("skipped"));
        return element;
    }

    private static string FirstLine(string? text) => (text ?? "failed").Split('\n')[0];

    private static string Seconds(TimeSpan duration) => duration.TotalSeconds.ToString("0.###", CultureInfo.InvariantCulture);
}
