using System.Xml.Linq;
using Pipeline.Build;

namespace Pipeline.Tests.Build;

/// <summary>
/// Node's TAP output read into test cases and written as JUnit XML. The inputs are real runner output: node 20's and
/// node 24's (a failing, a skipped and a todo test, nested suites, a top-level test) and node 18's as the sample
/// app's Test run printed it.
/// </summary>
public sealed class TapResultsTests
{
    private const string Node20 = """
TAP version 13
# Subtest: outer suite
    # Subtest: passes
    ok 1 - passes
      ---
      duration_ms: 0.878411
      ...
    # Subtest: fails with a diff
    not ok 2 - fails with a diff
      ---
      duration_ms: 1.544518
      location: '/app/test/t.test.js:5:3'
      failureType: 'testCodeFailure'
      error: |-
        Expected values to be strictly equal:
        
        1 !== 2
        
      code: 'ERR_ASSERTION'
      name: 'AssertionError'
      expected: 2
      actual: 1
      operator: 'strictEqual'
      stack: |-
        TestContext.<anonymous> (/app/test/t.test.js:5:42)
        Test.runInAsyncScope (node:async_hooks:206:9)
        Test.run (node:internal/test_runner/test:796:25)
        Suite.processPendingSubtests (node:internal/test_runner/test:526:18)
        Test.postRun (node:internal/test_runner/test:889:19)
        Test.run (node:internal/test_runner/test:835:12)
        async Promise.all (index 0)
        async Suite.run (node:internal/test_runner/test:1135:7)
        async Test.processPendingSubtests (node:internal/test_runner/test:526:7)
      ...
    # Subtest: inner
        # Subtest: is skipped
        ok 1 - is skipped # SKIP not today
          ---
          duration_ms: 0.257622
          ...
        # Subtest: is todo
        ok 2 - is todo # TODO
          ---
          duration_ms: 0.134179
          ...
        1..2
    ok 3 - inner
      ---
      duration_ms: 0.807306
      type: 'suite'
      ...
    1..3
not ok 1 - outer suite
  ---
  duration_ms: 4.959407
  type: 'suite'
  location: '/app/test/t.test.js:3:1'
  failureType: 'subtestsFailed'
  error: '1 subtest failed'
  code: 'ERR_TEST_FAILURE'
  ...
# Subtest: top-level test
ok 2 - top-level test
  ---
  duration_ms: 0.142391
  ...
1..2
# tests 5
# suites 2
# pass 2
# fail 1
# cancelled 0
# skipped 1
# todo 1
# duration_ms 132.401691
""";

    // The same test file under node v24.22.3 (the sandbox's node image): each test point's block now says its type.
    private const string Node24 = """
TAP version 13
# Subtest: outer suite
    # Subtest: passes
    ok 1 - passes
      ---
      duration_ms: 0.534162
      type: 'test'
      ...
    # Subtest: fails with a diff
    not ok 2 - fails with a diff
      ---
      duration_ms: 0.982916
      type: 'test'
      location: '/app/test/t.test.js:5:3'
      failureType: 'testCodeFailure'
      error: |-
        Expected values to be strictly equal:
        
        1 !== 2
        
      code: 'ERR_ASSERTION'
      name: 'AssertionError'
      expected: 2
      actual: 1
      operator: 'strictEqual'
      stack: |-
        TestContext.<anonymous> (/app/test/t.test.js:5:42)
        Test.runInAsyncScope (node:async_hooks:227:14)
        Test.run (node:internal/test_runner/test:1402:25)
        Suite.processPendingSubtests (node:internal/test_runner/test:974:18)
        Test.postRun (node:internal/test_runner/test:1542:19)
        Test.run (node:internal/test_runner/test:1467:12)
        async Promise.all (index 0)
        async Suite.run (node:internal/test_runner/test:1905:7)
        async startSubtestAfterBootstrap (node:internal/test_runner/harness:387:3)
      ...
    # Subtest: inner
        # Subtest: is skipped
        ok 1 - is skipped # SKIP not today
          ---
          duration_ms: 0.245344
          type: 'test'
          ...
        # Subtest: is todo
        ok 2 - is todo # TODO
          ---
          duration_ms: 1.211174
          type: 'test'
          ...
        1..2
    ok 3 - inner
      ---
      duration_ms: 1.856771
      type: 'suite'
      ...
    1..3
not ok 1 - outer suite
  ---
  duration_ms: 8.888169
  type: 'suite'
  location: '/app/test/t.test.js:3:1'
  failureType: 'subtestsFailed'
  error: '1 subtest failed'
  code: 'ERR_TEST_FAILURE'
  ...
# Subtest: top-level test
ok 2 - top-level test
  ---
  duration_ms: 0.106208
  type: 'test'
  ...
1..2
# tests 5
# suites 2
# pass 2
# fail 1
# cancelled 0
# skipped 1
# todo 1
# duration_ms 349.767535
""";

    private const string Node18 = """
TAP version 13
# Subtest: GET /healthcheck
    # Subtest: answers 200 when MySQL and Redis both answer
    ok 1 - answers 200 when MySQL and Redis both answer
      ---
      duration_ms: 21.526673
      ...
    # Subtest: with a dependency that hangs
        # Subtest: answers 503 naming redis within the timeout when redis hangs
        ok 1 - answers 503 naming redis within the timeout when redis hangs
          ---
          duration_ms: 2023.605422
          ...
        1..1
    ok 2 - with a dependency that hangs
      ---
      duration_ms: 2030.922924
      type: 'suite'
      ...
    1..2
ok 1 - GET /healthcheck
  ---
  duration_ms: 2110.886884
  type: 'suite'
  ...
1..1
# tests 2
# pass 2
# fail 0
""";

    private static IReadOnlyList<TestCaseResult> Parse(string text) => TapResults.Parse(text.Split('\n'));

    [Fact]
    public void Tests_are_read_with_their_suites_and_suites_are_not_counted_as_tests()
    {
        var cases = Parse(Node20);
        Assert.Equal(
            ["outer suite › passes", "outer suite › fails with a diff", "outer suite › inner › is skipped", "outer suite › inner › is todo", "(top level) › top-level test"],
            cases.Select(c => $"{c.SuitePath} › {c.Name}"));
        Assert.Equal(
            [TestOutcome.Passed, TestOutcome.Failed, TestOutcome.Skipped, TestOutcome.Skipped, TestOutcome.Passed],
            cases.Select(c => c.Outcome));
    }

    [Fact]
    public void A_failure_keeps_the_assertion_message_and_a_test_its_duration()
    {
        var failed = Assert.Single(Parse(Node20), c => c.Outcome == TestOutcome.Failed);
        Assert.StartsWith("Expected values to be strictly equal:", failed.Message);
        Assert.Contains("1 !== 2", failed.Message);
        Assert.DoesNotContain("ERR_ASSERTION", failed.Message);
        Assert.InRange(failed.Duration.TotalMilliseconds, 1.5445, 1.5446); // 1.544518 ms, to the tick
    }

    [Fact]
    public void Node_24_output_reads_as_node_20_output_does()
    {
        static string[] Read(string tap) => [.. Parse(tap).Select(c => $"{c.SuitePath} › {c.Name}: {c.Outcome}")];
        Assert.Equal(Read(Node20), Read(Node24));
        Assert.Contains("1 !== 2", Assert.Single(Parse(Node24), c => c.Outcome == TestOutcome.Failed).Message);
        Assert.Equal(new TestCounts(2, 1, Skipped: 1, Todo: 1), NodeTestSummary.Parse(Node24.Split('\n')));
    }

    [Fact]
    public void Node_18_output_of_the_sample_app_reads_the_same_way()
    {
        var cases = Parse(Node18);
        Assert.Equal(2, cases.Count);
        Assert.Equal("GET /healthcheck › with a dependency that hangs", cases[1].SuitePath);
        Assert.All(cases, c => Assert.Equal(TestOutcome.Passed, c.Outcome));
    }

    [Fact]
    public void Output_with_no_test_points_gives_no_cases() =>
        Assert.Empty(Parse("npm ERR! missing script: test\nsh: 1: node: not found"));

    [Fact]
    public void The_JUnit_report_has_one_testsuite_per_suite_path_and_counts_that_add_up()
    {
        var report = JUnitReport.Build("sample-app abc1234", Parse(Node20));
        var root = report.Root!;
        Assert.Equal("testsuites", root.Name.LocalName);
        Assert.Equal(("5", "1", "2"), ((string)root.Attribute("tests")!, (string)root.Attribute("failures")!, (string)root.Attribute("skipped")!));
        var suites = root.Elements("testsuite").ToList();
        Assert.Equal(["outer suite", "outer suite › inner", "(top level)"], suites.Select(s => (string)s.Attribute("name")!));
        Assert.Equal(5, suites.Sum(s => (int)s.Attribute("tests")!));
        var failure = root.Descendants("failure").Single();
        Assert.Equal("fails with a diff", (string)failure.Parent!.Attribute("name")!);
        Assert.Equal("Expected values to be strictly equal:", (string)failure.Attribute("message")!);
        Assert.Equal(2, root.Descendants("skipped").Count());
        // It survives a round trip through an XML parser as written to disk.
        Assert.Equal(report.ToString(), XDocument.Parse(report.ToString()).ToString());
    }
}
