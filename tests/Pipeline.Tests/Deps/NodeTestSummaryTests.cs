using Pipeline.Build;

namespace Pipeline.Tests.Deps;

/// <summary>
/// NodeTestSummary against real output of node v20.20.2's runner (`node --test --test-reporter=tap` and `=spec`) for
/// tiny throwaway test files: one passing test next to a skipped one ({ skip: 'not on this platform' }), a todo one
/// ({ todo: 'not written yet' }), or a suite with { timeout: 200 } whose first test waits 5 s, so node cancels it and
/// the test after it ("cancelledByParent"), and reports them as "cancelled", not "fail".
/// </summary>
public sealed class NodeTestSummaryTests
{
    [Theory]
    [InlineData("tap")]
    [InlineData("spec")]
    public void Tests_cancelled_by_a_suite_timeout_count_as_failed(string reporter)
    {
        var counts = Parse(reporter == "tap" ? CancelledTap : CancelledSpec);
        Assert.Equal(new TestCounts(Passed: 1, Failed: 2, Cancelled: 2), counts);
        Assert.Equal("Passed: 1, Failed: 2 (2 cancelled)", counts.ToString());
    }

    [Theory]
    [InlineData("tap")]
    [InlineData("spec")]
    public void Skipped_tests_are_reported_and_neither_passed_nor_failed(string reporter)
    {
        var counts = Parse(reporter == "tap" ? SkippedTap : SkippedSpec);
        Assert.Equal(new TestCounts(Passed: 1, Failed: 0, Skipped: 1), counts);
        Assert.Equal("Passed: 1, Failed: 0, Skipped: 1", counts.ToString());
    }

    [Theory]
    [InlineData("tap")]
    [InlineData("spec")]
    public void Todo_tests_are_reported_and_neither_passed_nor_failed(string reporter)
    {
        var counts = Parse(reporter == "tap" ? TodoTap : TodoSpec);
        Assert.Equal(new TestCounts(Passed: 1, Failed: 0, Todo: 1), counts);
        Assert.Equal("Passed: 1, Failed: 0, Todo: 1", counts.ToString());
    }

    [Fact]
    public void Failed_adds_the_failed_and_the_cancelled_tests_and_the_summary_keeps_the_prefix_test_sh_greps_for()
    {
        var counts = Parse(MixedTap);
        Assert.Equal(new TestCounts(Passed: 1, Failed: 2, Cancelled: 1, Skipped: 1, Todo: 1), counts);
        Assert.Equal("Passed: 1, Failed: 2 (1 cancelled), Skipped: 1, Todo: 1", counts.ToString());
        // tests/count.sh (count_node): grep -E 'tests: Passed: [0-9]+, Failed: [0-9]+' and sed 's/.*Failed: \([0-9]*\).*/\1/p'.
        Assert.Matches(@"^Passed: [0-9]+, Failed: [0-9]+", counts.ToString());
    }

    private static TestCounts Parse(string output) =>
        NodeTestSummary.Parse(output.Split('\n')) ?? throw new Xunit.Sdk.XunitException("no counts in:\n" + output);

    // cancelled.test.js: it('passes'); describe('suite that times out', { timeout: 200 }) with it('hangs') (waits 5 s)
    // and it('never starts').
    private const string CancelledTap = """
        TAP version 13
        # Subtest: passes
        ok 1 - passes
          ---
          duration_ms: 1.021613
          ...
        # Subtest: suite that times out
            # Subtest: hangs
            not ok 1 - hangs
              ---
              duration_ms: 201.101617
              location: '/tmp/ntcap/cancelled.test.js:5:3'
              failureType: 'cancelledByParent'
              error: 'test did not finish before its parent and was cancelled'
              code: 'ERR_TEST_FAILURE'
              ...
            # Subtest: never starts
            not ok 2 - never starts
              ---
              duration_ms: 0
              location: '/tmp/ntcap/cancelled.test.js:6:3'
              failureType: 'cancelledByParent'
              error: 'test did not finish before its parent and was cancelled'
              code: 'ERR_TEST_FAILURE'
              ...
            1..2
        not ok 2 - suite that times out
          ---
          duration_ms: 201.283967
          type: 'suite'
          location: '/tmp/ntcap/cancelled.test.js:4:1'
          failureType: 'testTimeoutFailure'
          error: 'test timed out after 200ms'
          code: 'ERR_TEST_FAILURE'
          ...
        1..2
        # tests 3
        # suites 1
        # pass 1
        # fail 0
        # cancelled 2
        # skipped 0
        # todo 0
        # duration_ms 5091.677372
        """;

    private const string CancelledSpec = """
        ✔ passes (0.95181ms)
        ▶ suite that times out
          ✖ hangs (200.907039ms)
            'test did not finish before its parent and was cancelled'

          ✖ never starts
            'test did not finish before its parent and was cancelled'

        ✖ suite that times out (201.244919ms)

          'test timed out after 200ms'

        ℹ tests 3
        ℹ suites 1
        ℹ pass 1
        ℹ fail 0
        ℹ cancelled 2
        ℹ skipped 0
        ℹ todo 0
        ℹ duration_ms 5090.502737

        ✖ failing tests:

        test at cancelled.test.js:5:3
        ✖ hangs (200.907039ms)
          'test did not finish before its parent and was cancelled'

        test at cancelled.test.js:6:3
        ✖ never starts
          'test did not finish before its parent and was cancelled'

        test at cancelled.test.js:4:1
        ✖ suite that times out (201.244919ms)
          'test timed out after 200ms'
        """;

    // skipped.test.js: it('passes'); it('is skipped', { skip: 'not on this platform' }).
    private const string SkippedTap = """
        TAP version 13
        # Subtest: passes
        ok 1 - passes
          ---
          duration_ms: 0.983467
          ...
        # Subtest: is skipped
        ok 2 - is skipped # SKIP not on this platform
          ---
          duration_ms: 0.154879
          ...
        1..2
        # tests 2
        # suites 0
        # pass 1
        # fail 0
        # cancelled 0
        # skipped 1
        # todo 0
        # duration_ms 113.598658
        """;

    private const string SkippedSpec = """
        ✔ passes (1.020722ms)
        ﹣ is skipped (0.147218ms) # not on this platform
        ℹ tests 2
        ℹ suites 0
        ℹ pass 1
        ℹ fail 0
        ℹ cancelled 0
        ℹ skipped 1
        ℹ todo 0
        ℹ duration_ms 87.766561
        """;

    // todo.test.js: it('passes'); it('is todo', { todo: 'not written yet' }).
    private const string TodoTap = """
        TAP version 13
        # Subtest: passes
        ok 1 - passes
          ---
          duration_ms: 0.97169
          ...
        # Subtest: is todo
        ok 2 - is todo # TODO not written yet
          ---
          duration_ms: 0.197333
          ...
        1..2
        # tests 2
        # suites 0
        # pass 1
        # fail 0
        # cancelled 0
        # skipped 0
        # todo 1
        # duration_ms 88.851482
        """;

    private const string TodoSpec = """
        ✔ passes (1.065909ms)
        ✔ is todo (0.16169ms) # not written yet
        ℹ tests 2
        ℹ suites 0
        ℹ pass 1
        ℹ fail 0
        ℹ cancelled 0
        ℹ skipped 0
        ℹ todo 1
        ℹ duration_ms 91.00974
        """;

    // mixed.test.js: it('passes'); it('fails') (assert.equal(1, 2)); it('is skipped', { skip: true });
    // it('is todo', { todo: true }); describe('suite that times out', { timeout: 200 }) with it('hangs') (waits 5 s).
    private const string MixedTap = """
        TAP version 13
        # Subtest: passes
        ok 1 - passes
          ---
          duration_ms: 0.888997
          ...
        # Subtest: fails
        not ok 2 - fails
          ---
          duration_ms: 1.116254
          location: '/tmp/ntcap/mixed.test.js:5:1'
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
            TestContext.<anonymous> (/tmp/ntcap/mixed.test.js:5:26)
            Test.runInAsyncScope (node:async_hooks:206:9)
            Test.run (node:internal/test_runner/test:796:25)
            Test.processPendingSubtests (node:internal/test_runner/test:526:18)
            Test.postRun (node:internal/test_runner/test:889:19)
            Test.run (node:internal/test_runner/test:835:12)
            async Test.processPendingSubtests (node:internal/test_runner/test:526:7)
          ...
        # Subtest: is skipped
        ok 3 - is skipped # SKIP
          ---
          duration_ms: 0.096543
          ...
        # Subtest: is todo
        ok 4 - is todo # TODO
          ---
          duration_ms: 0.097775
          ...
        # Subtest: suite that times out
            # Subtest: hangs
            not ok 1 - hangs
              ---
              duration_ms: 201.209032
              location: '/tmp/ntcap/mixed.test.js:9:3'
              failureType: 'cancelledByParent'
              error: 'test did not finish before its parent and was cancelled'
              code: 'ERR_TEST_FAILURE'
              ...
            1..1
        not ok 5 - suite that times out
          ---
          duration_ms: 201.435987
          type: 'suite'
          location: '/tmp/ntcap/mixed.test.js:8:1'
          failureType: 'testTimeoutFailure'
          error: 'test timed out after 200ms'
          code: 'ERR_TEST_FAILURE'
          ...
        1..5
        # tests 5
        # suites 1
        # pass 1
        # fail 1
        # cancelled 1
        # skipped 1
        # todo 1
        # duration_ms 5123.312168
        """;
}
