# The counting of test.sh, as functions that read a runner's log and exit status, so tests can feed them crafted
# ones. Sourced: the totals are $passed and $failed; complaints go to stderr.
passed=0
failed=0

# Adds a runner's counts to the totals; a runner that printed no counts failed outright.
count() {
  local name=$1 pass=$2 fail=$3
  if [[ -z $pass && -z $fail ]]; then
    echo "test.sh: $name printed no test counts; counting it as one failure" >&2
    fail=1
  fi
  passed=$((passed + ${pass:-0}))
  failed=$((failed + ${fail:-0}))
}

# count_xunit LOG EXIT PROJECTS: dotnet test ends each test project with "Total tests: N", then "Passed: N" and,
# when some failed, "Failed: N". A project that did not build prints none of them, so expect one block per project.
count_xunit() {
  local log=$1 exit_code=$2 projects=$3 blocks
  blocks=$(grep -cE '^Total tests: [0-9]+' "$log" || true)
  if [[ $blocks -lt $projects ]]; then
    echo "test.sh: expected $projects test summaries from dotnet test, found $blocks" >&2
    failed=$((failed + 1))
  fi
  count xunit "$(sed -n 's/^ *Passed: *\([0-9]*\)$/\1/p' "$log" | awk '{ s += $1 } END { if (NR) print s }')" \
    "$(sed -n 's/^ *Failed: *\([0-9]*\)$/\1/p' "$log" | awk '{ s += $1 } END { print s + 0 }')"
  # A test host that crashed can leave dotnet test failing with no failed test counted.
  if [[ $exit_code -ne 0 && $(grep -cE '^ *Failed: *[1-9]' "$log" || true) -eq 0 ]]; then
    echo "test.sh: dotnet test exited $exit_code without a failed test; counting one failure" >&2
    failed=$((failed + 1))
  fi
}

# count_node LOG EXIT: the app's tests as ./build.sh Test prints them, "tests: Passed: N, Failed: N". A run that
# exits non-zero with no failed test counted (its Test target failed after the counts, it crashed, or the suite's
# timeout cut it short) is one failure more; failed tests, or no counts at all, already are.
count_node() {
  local log=$1 exit_code=$2 summary fail
  summary=$(grep -E 'tests: Passed: [0-9]+, Failed: [0-9]+' "$log" | tail -n 1 || true)
  fail=$(sed -n 's/.*Failed: \([0-9]*\).*/\1/p' <<<"$summary")
  count node "$(sed -n 's/.*Passed: \([0-9]*\).*/\1/p' <<<"$summary")" "$fail"
  if [[ $exit_code -ne 0 && -n $summary && ${fail:-0} -eq 0 ]]; then
    echo "test.sh: ./build.sh Test exited $exit_code without a failed test; counting one failure" >&2
    failed=$((failed + 1))
  fi
}
