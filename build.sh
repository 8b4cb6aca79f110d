#!/usr/bin/env bash
# Runs pipeline targets: ./build.sh [Target ...] [--parameter value ...]. ./build.sh --help lists them all.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
cd "$root"
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1

cake_version=$(sed -n 's/.*"version": *"\([0-9.]*\)".*/\1/p' .config/dotnet-tools.json | tail -n 1)
if [[ ! -d "${NUGET_PACKAGES:-$HOME/.nuget/packages}/cake.tool/$cake_version" ]]; then
  echo "Restoring Cake.Tool $cake_version ..."
  dotnet tool restore >/dev/null
fi

# The library is rebuilt only when one of its sources is newer than the built assembly.
library=build/Pipeline
assembly=$library/bin/cake/Pipeline.dll
if [[ ! -f $assembly ]] || [[ -n $(find "$library" \( -path "$library/bin" -o -path "$library/obj" \) -prune -o -type f -newer "$assembly" -print -quit) ]]; then
  echo "Building build/Pipeline ..."
  if ! build_log=$(dotnet build "$library" -c Release -o "$library/bin/cake" --nologo -v quiet 2>&1); then
    echo "$build_log" >&2
    echo "error: build/Pipeline does not compile; fix the errors above." >&2
    exit 1
  fi
  touch "$assembly"
  # Cake's script cache keys on the script text only; a cached script compiled against the old library
  # would fail with "Method not found".
  rm -rf build/tools/cache
fi

# Cake's own parser would take --help and --dryrun for itself and knows no parameter types, so the arguments
# travel to the pipeline's parser in one variable, joined by the ASCII unit separator.
argv=""
for arg in "$@"; do argv+="$arg"$'\x1f'; done
export PIPELINE_ARGV="$argv" PIPELINE_ROOT="$root"
export CAKE_SETTINGS_ENABLESCRIPTCACHE=true
# `dotnet cake` runs Cake as a child process and passes no signal on: a SIGINT or SIGTERM sent to this script's
# pid (by CI, a test, `kill`) would end the parent and never reach the pipeline's cleanup. So Cake's own assembly
# is run here, for the newest target framework this machine's runtime can load, and this pid is Cake itself.
runtime_major=$(dotnet --list-runtimes | sed -n 's/^Microsoft\.NETCore\.App \([0-9]*\)\..*/\1/p' | sort -n | tail -n 1)
for tools in $(ls -d "${NUGET_PACKAGES:-$HOME/.nuget/packages}/cake.tool/$cake_version/tools/net"*/ 2>/dev/null | sort -V -r); do
  framework=$(basename "$tools")
  framework_major=${framework#net}
  framework_major=${framework_major%%.*}
  if [[ -f $tools/any/Cake.dll && $framework_major -le ${runtime_major:-0} ]]; then
    exec dotnet "$tools/any/Cake.dll" build/build.cake
  fi
done
exec dotnet cake build/build.cake
