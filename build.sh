#!/usr/bin/env bash
# Runs pipeline targets: ./build.sh [Target ...] [--parameter value ...]. ./build.sh --help lists them all.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
cd "$root"
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1

# PIPELINE_BOOTSTRAP_TRACE=1 says on stderr which Cake runs and which lock is taken: the choices below fall back
# silently by design, and the tests (or a puzzled user) need to see which way they went.
trace() { if [[ -n ${PIPELINE_BOOTSTRAP_TRACE:-} ]]; then echo "build.sh: $*" >&2; fi; }

cake_version=$(sed -n 's/.*"version": *"\([0-9.]*\)".*/\1/p' .config/dotnet-tools.json | tail -n 1)
if [[ ! -d "${NUGET_PACKAGES:-$HOME/.nuget/packages}/cake.tool/$cake_version" ]]; then
  echo "Restoring Cake.Tool $cake_version ..."
  dotnet tool restore >/dev/null
fi

# `dotnet cake` runs Cake as a child process and passes no signal on: a SIGINT or SIGTERM sent to this script's
# pid (by CI, a test, `kill`) would end the parent and never reach the pipeline's cleanup. So Cake's own assembly
# is run, for the newest target framework this machine's runtime can load, with exec: this pid is Cake itself.
# Only the glob's * is left unquoted, so a space in HOME or NUGET_PACKAGES stays inside one path.
cake=(dotnet cake)
runtime_major=$(dotnet --list-runtimes | sed -n 's/^Microsoft\.NETCore\.App \([0-9]*\)\..*/\1/p' | sort -n | tail -n 1)
chosen_major=0
for tools in "${NUGET_PACKAGES:-$HOME/.nuget/packages}/cake.tool/$cake_version/tools/net"*/; do
  tools=${tools%/}
  framework_major=${tools##*/net}
  framework_major=${framework_major%%.*}
  # An unmatched glob stays as the pattern itself and fails the -f test.
  if [[ -f $tools/any/Cake.dll && $framework_major =~ ^[0-9]+$ ]] &&
    ((framework_major <= ${runtime_major:-0} && framework_major > chosen_major)); then
    cake=(dotnet "$tools/any/Cake.dll")
    chosen_major=$framework_major
  fi
done
export CAKE_SETTINGS_ENABLESCRIPTCACHE=true

# The library is rebuilt only when one of its sources is newer than the built assembly. Runs started together (two
# terminals after a pull) take turns here: the first builds, the others then find it fresh.
library=build/Pipeline
assembly=$library/bin/cake/Pipeline.dll
if command -v flock >/dev/null; then
  mkdir -p "$library/obj"
  exec 8>"$library/obj/build.sh.lock"
  trace "lock: flock $library/obj/build.sh.lock"
  flock 8
fi
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
# Two Cake processes compiling the script into an empty cache at once collide on the file, so the script is
# compiled here, still under the lock, whenever no cached build is newer than build.cake and the library.
if [[ -z $(find build/tools/cache -maxdepth 1 -name '*.dll' -newer build/build.cake -newer "$assembly" -print -quit 2>/dev/null) ]]; then
  PIPELINE_ARGV=--help "${cake[@]}" build/build.cake >/dev/null 2>&1 || true
fi
exec 8>&-

# Cake's own parser would take --help and --dryrun for itself and knows no parameter types, so the arguments
# travel to the pipeline's parser in one variable, joined by the ASCII unit separator.
argv=""
for arg in "$@"; do argv+="$arg"$'\x1f'; done
export PIPELINE_ARGV="$argv" PIPELINE_ROOT="$root"
trace "runs ${cake[*]} build/build.cake"
exec "${cake[@]}" build/build.cake
