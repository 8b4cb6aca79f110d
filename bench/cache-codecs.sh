#!/usr/bin/env bash
# The numbers behind --cache-compression's default: for each codec, the cache's bytes, its save time (both sandbox
# images from the engine into an empty cache dir, at once, as Restore does) and its load time (into an engine
# without the images), next to raw `docker save -o` / `docker load -i`, one image after the other.
# Loads use flattened copies of the two images (export | import: the same files in one layer, labelled
# pipeline.bench=cache and removed at the end): removing the real sandbox images would pull them out from under
# anything else using this engine. Each time is the median of RUNS (default 3).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
source bench/lib.sh
source bench/cache-tool.sh

images=(127.0.0.1:5000/sandbox/mariadb:10.11 127.0.0.1:5000/sandbox/redis:7.0)
flat=(pipeline-bench/mariadb:flat-$$ pipeline-bench/redis:flat-$$)
read -r -a codecs <<<"${CODECS:-none gzip:1 gzip:6 brotli:1 brotli:2 brotli:4}"
runs=${RUNS:-3}
work=$(mktemp -d /tmp/bench-cache-codecs.XXXXXX)
log=${BENCH_LOG:-$work/log}
cleanup() { docker rmi -f "${flat[@]}" >/dev/null 2>&1 || true; rm -rf "$work"; }
trap cleanup EXIT

# Both images in the engine: Restore brings them when missing (and the sandbox up with them).
docker image inspect "${images[@]}" >/dev/null 2>&1 || ./build.sh Restore --cache-dir "$work/restore" >/dev/null
tool=$(cache_tool_build "$work/tool")
for i in 0 1; do
  container=$(docker create --label pipeline.bench=cache "${images[$i]}")
  docker export "$container" | docker import --change "LABEL pipeline.bench=cache" - "${flat[$i]}" >/dev/null
  docker rm "$container" >/dev/null
done

# seconds of one run of a command (its output goes to the log)
timed() { bench_time "$1" "$log"; }
# the tool's own figure: "<mode> <codec> <seconds> s <bytes> bytes"
tool_run() { $tool "$@" 2>>"$log"; }

raw_bytes=0
raw_save=() raw_load=()
for ((r = 0; r < runs; r++)); do
  rm -rf "$work/raw" && mkdir -p "$work/raw"
  raw_save+=("$(timed "docker save -o $work/raw/0.tar ${images[0]} && docker save -o $work/raw/1.tar ${images[1]}")")
  raw_bytes=$(cat "$work"/raw/*.tar | wc -c)
  docker save -o "$work/raw/f0.tar" "${flat[0]}" && docker save -o "$work/raw/f1.tar" "${flat[1]}"
  docker rmi -f "${flat[@]}" >/dev/null
  raw_load+=("$(timed "docker load -i $work/raw/f0.tar && docker load -i $work/raw/f1.tar")")
done
printf '%-10s %10s %7s %9s %9s\n' codec MB ratio "save s" "load s"
printf '%-10s %10.1f %7.3f %9s %9s\n' "raw" "$(awk -v b="$raw_bytes" 'BEGIN { print b / 1e6 }')" 1 \
  "$(bench_median "${raw_save[@]}")" "$(bench_median "${raw_load[@]}")"

for codec in "${codecs[@]}"; do
  saves=() loads=() bytes=0
  for ((r = 0; r < runs; r++)); do
    rm -rf "$work/cache"
    read -r _ _ seconds _ bytes _ <<<"$(tool_run save "$work/cache" "$codec" "${images[@]}")"
    saves+=("$seconds")
    rm -rf "$work/flat"
    tool_run save "$work/flat" "$codec" "${flat[@]}" >/dev/null
    read -r _ _ seconds _ <<<"$(tool_run load "$work/flat" "$codec" "${flat[@]}")"
    loads+=("$seconds")
  done
  printf '%-10s %10.1f %7.3f %9s %9s\n' "$codec" "$(awk -v b="$bytes" 'BEGIN { print b / 1e6 }')" \
    "$(awk -v a="$bytes" -v b="$raw_bytes" 'BEGIN { print a / b }')" "$(bench_median "${saves[@]}")" "$(bench_median "${loads[@]}")"
done
echo "(save and load: median seconds of $runs runs, both images; raw is one after the other, the cache does both at once)"
