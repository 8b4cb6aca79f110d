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
lock_dir=$library/obj/build.sh.lock.d

# Where flock is missing (macOS), the lock is a directory: mkdir is atomic everywhere. It holds the holder's pid, so
# a lock left by a killed run is noticed (kill -0) and taken over. Two waiters may find the same dead holder, so
# taking over is itself guarded by a directory, and removes the lock only while that pid still holds it. The wait
# is bounded (PIPELINE_BOOTSTRAP_LOCK_WAIT seconds; a cold build with its restore takes about a minute).
take_lock() {
  mkdir -p "$library/obj"
  if command -v flock >/dev/null; then
    exec 8>"$library/obj/build.sh.lock"
    trace "lock: flock $library/obj/build.sh.lock"
    flock 8
    return
  fi
  trace "lock: mkdir $lock_dir"
  local waited_since=$SECONDS holder said=""
  until mkdir "$lock_dir" 2>/dev/null; do
    # An empty pid is a holder between its mkdir and writing the file: alive.
    holder=$(cat "$lock_dir/pid" 2>/dev/null || true)
    if [[ -n $holder ]] && ! kill -0 "$holder" 2>/dev/null && mkdir "$lock_dir.takeover" 2>/dev/null; then
      if [[ $(cat "$lock_dir/pid" 2>/dev/null || true) == "$holder" ]]; then
        rm -rf "$lock_dir"
        echo "build.sh: removed the lock of pid $holder, which is no longer running" >&2
      fi
      rmdir "$lock_dir.takeover"
      continue
    fi
    if ((SECONDS - waited_since >= ${PIPELINE_BOOTSTRAP_LOCK_WAIT:-300})); then
      echo "error: build.sh gave up waiting for the run with pid ${holder:-?} after ${PIPELINE_BOOTSTRAP_LOCK_WAIT:-300} s (PIPELINE_BOOTSTRAP_LOCK_WAIT). If that run is gone, remove $root/$lock_dir" >&2
      exit 1
    fi
    if [[ -z $said ]]; then
      echo "build.sh: waiting for the run with pid ${holder:-?}, which holds $lock_dir ..." >&2
      said=1
    fi
    sleep 0.2
  done
  echo $$ >"$lock_dir/pid"
  trap release_lock EXIT
}
release_lock() {
  exec 8>&-
  if [[ $(cat "$lock_dir/pid" 2>/dev/null || true) == "$$" ]]; then rm -rf "$lock_dir"; fi
}

take_lock
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
release_lock
trap - EXIT

# Cake's own parser would take --help and --dryrun for itself and knows no parameter types, so the arguments
# travel to the pipeline's parser in one variable, joined by the ASCII unit separator.
argv=""
for arg in "$@"; do argv+="$arg"$'\x1f'; done
export PIPELINE_ARGV="$argv" PIPELINE_ROOT="$root"
trace "runs ${cake[*]} build/build.cake"
exec "${cake[@]}" build/build.cake
