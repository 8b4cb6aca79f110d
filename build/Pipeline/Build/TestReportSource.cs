namespace Pipeline.Build;

/// <summary>
/// Where Test reads the pass/fail counts and the per-test results: node's test runner in the command's output
/// (TAP, or the summary lines), or a JUnit XML file the command writes inside its container, which Test copies out
/// after it exits. Most test runners write JUnit XML (pytest --junitxml, go-junit-report, dotnet test's logger).
/// </summary>
public sealed record TestReportSource(string? JUnitPath)
{
    public const string Node = "node";
    public const string JUnitPrefix = "junit:";

    public bool IsJUnit => JUnitPath is not null;

    public static TestReportSource Parse(string value) =>
        value == Node ? new TestReportSource((string?)null) : new TestReportSource(value[JUnitPrefix.Length..]);

    public static string? Problem(string value)
    {
        if (value == Node) return null;
        if (!value.StartsWith(JUnitPrefix, StringComparison.Ordinal)) return "it is neither node nor junit:<path>";
        var path = value[JUnitPrefix.Length..];
        if (!path.StartsWith('/')) return "the JUnit file's path is not absolute (it is a path inside the test container)";
        if (path.EndsWith('/')) return "the JUnit path names a directory, not a file";
        return null;
    }

    public override string ToString() => IsJUnit ? $"the JUnit XML file {JUnitPath} in the test container" : "node's test runner output";
}
