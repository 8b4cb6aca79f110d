using System.Globalization;
using System.Xml;
using System.Xml.Linq;

namespace Pipeline.Build;

/// <summary>
/// Reads a JUnit XML report as test runners write it (pytest --junitxml, surefire, go-junit-report): every
/// &lt;testcase&gt; is a case, inside its &lt;testsuite&gt; and class; &lt;failure&gt; or &lt;error&gt; fails it,
/// &lt;skipped&gt; skips it. The counts come from the cases, not from the suites' own attributes, which some
/// runners leave out.
/// </summary>
public static class JUnitResults
{
    /// <exception cref="PipelineException">The bytes are not JUnit XML.</exception>
    public static IReadOnlyList<TestCaseResult> Parse(byte[] xml, string source)
    {
        XDocument document;
        try
        {
            // No DTD processing: the file comes out of the container the tests ran in.
            using var reader = XmlReader.Create(new MemoryStream(xml), new XmlReaderSettings { DtdProcessing = DtdProcessing.Prohibit });
            document = XDocument.Load(reader);
        }
        catch (XmlException e)
        {
            throw new PipelineException($"The test report {source} is not valid XML", "Check the test command writes JUnit XML there.", e.Message);
        }
        if (document.Root?.Name.LocalName is not ("testsuites" or "testsuite"))
            throw new PipelineException($"The test report {source} is not JUnit XML (its root is <{document.Root?.Name.LocalName}>)",
                "Point --test-report at the JUnit XML file the test command writes.");
        return document.Descendants("testcase").Select(Case).ToList();
    }

    public static TestCounts Count(IReadOnlyList<TestCaseResult> cases) => new(
        cases.Count(c => c.Outcome == TestOutcome.Passed),
        cases.Count(c => c.Outcome == TestOutcome.Failed),
        Skipped: cases.Count(c => c.Outcome == TestOutcome.Skipped));

    private static TestCaseResult Case(XElement testcase)
    {
        var suites = testcase.Ancestors("testsuite").Reverse().Select(s => (string?)s.Attribute("name"))
            .Append((string?)testcase.Attribute("classname"))
            .Where(name => !string.IsNullOrEmpty(name)).Select(name => name!).ToList();
        var failure = testcase.Element("failure") ?? testcase.Element("error");
        var outcome = failure is not null ? TestOutcome.Failed
            : testcase.Element("skipped") is not null ? TestOutcome.Skipped : TestOutcome.Passed;
        var seconds = double.TryParse((string?)testcase.Attribute("time"), NumberStyles.Float, CultureInfo.InvariantCulture, out var s) ? s : 0;
        var message = failure is null ? null : (string?)failure.Attribute("message") is { Length: > 0 } m ? m : failure.Value.Trim();
        return new TestCaseResult(suites, (string?)testcase.Attribute("name") ?? "(unnamed)", outcome,
            TimeSpan.FromSeconds(Math.Max(0, seconds)), message);
    }
}
