#!/usr/bin/env bash
# P3: the image tarball cache against a raw `docker save` of the same images (the sandbox's mariadb and redis).
#   bytes: the cache's tarballs (default compression, or CODEC=...) / the raw tarballs     target <= 0.5
#   save:  the cache saving both images from the engine into an empty cache dir (A) against
#          `docker save -o` of one image after the other, as the original CI did (B)       target <= 1.3
# A second pair, for reference, puts A against both raw saves running at once.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
source bench/lib.sh
source bench/cache-tool.sh

images=(127.0.0.1:5000/sandbox/mariadb:10.11 127.0.0.1:5000/sandbox/redis:7.0)
codec=${CODEC:-$(sed -n 's/.*DefaultName = "\(.*\)";/\1/p' build/Pipeline/Cache/TarballCompression.cs)}
work=$(mktemp -d /tmp/bench-cache.XXXXXX)
trap 'rm -rf "$work"' EXIT

# Both images in the engine: Restore brings them when missing (and the sandbox up with them).
docker image inspect "${images[@]}" >/dev/null 2>&1 || ./build.sh Restore --cache-dir "$work/restore" >/dev/null
tool=$(cache_tool_build "$work/tool")

raw_sequential="docker save -o $work/raw/mariadb.tar ${images[0]} && docker save -o $work/raw/redis.tar ${images[1]}"
raw_parallel="docker save -o $work/raw/mariadb.tar ${images[0]} & a=\$!; docker save -o $work/raw/redis.tar ${images[1]} & b=\$!; wait \$a && wait \$b"
bench_pair "P3 save: cache $codec (A) vs raw docker save -o, one after the other (B)" "${PAIRS:-3}" \
  "rm -rf $work/cache" "$tool save $work/cache $codec ${images[*]}" \
  "rm -rf $work/raw && mkdir -p $work/raw" "$raw_sequential"
bench_pair "P3 save, for reference: cache $codec (A) vs both raw saves at once (B)" "${PAIRS:-3}" \
  "rm -rf $work/cache" "$tool save $work/cache $codec ${images[*]}" \
  "rm -rf $work/raw && mkdir -p $work/raw" "$raw_parallel"

cached=$(cat "$work"/cache/*.tar* | wc -c)
raw=$(cat "$work"/raw/*.tar | wc -c)
awk -v a="$cached" -v b="$raw" -v c="$codec" 'BEGIN {
  printf "P3 bytes: cache %s %.1f MB, raw docker save %.1f MB; ratio %.3f (target <= 0.5)\n", c, a / 1e6, b / 1e6, a / b }'
