#!/usr/bin/env bash
# P1: a warm Restore→Test against a cold one, both against the sandbox.
#   A (warm): the cache dir holds the dependency tarballs; the dependency images (and the local MySQL seed) are
#             not in the engine, as on a fresh CI machine that restored its cache dir.
#   B (cold): the same, with an empty cache dir: Restore pulls from the registry and writes the tarballs.
# Both build the app images with no change since the first run (the layer cache is the same for both).
# Target: A/B <= 0.25.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
source bench/lib.sh

mysql=127.0.0.1:5000/sandbox/mariadb:10.11
redis=127.0.0.1:5000/sandbox/redis:7.0
work=$(mktemp -d /tmp/bench-test.XXXXXX)
./build.sh SandboxUp >/dev/null

# The sandbox's production MySQL and Redis containers (the ECS service's) use the same images and would keep them
# in the engine. They go for the length of the bench, and the runs name the registry and images explicitly, as a
# real CI does, so no run starts sandbox/up.sh (SandboxUp would bring those containers back).
docker rm -f sbx-production-mysql sbx-production-redis >/dev/null
export AWS_ECR_URL=127.0.0.1:5000 REGISTRY_LOGIN=basic REGISTRY_USER=pipeline
REGISTRY_PASSWORD=$(<"${PIPELINE_SANDBOX_DIR:-$HOME/.pipeline-sandbox}/registry/password"); export REGISTRY_PASSWORD
export BASE_IMAGE=127.0.0.1:5000/sandbox/node:24 MYSQL_IMAGE=$mysql REDIS_IMAGE=$redis

# Whatever happens, the engine gets the dependency images back and the sandbox its containers.
trap './build.sh Restore --cache-dir "$work/warm" >/dev/null 2>&1 || true; rm -rf "$work"; ./build.sh SandboxUp >/dev/null || true' EXIT

# The first run fills the warm cache and builds the app images both sides then find unchanged.
./build.sh Test --cache-dir "$work/warm" >/dev/null

drop="docker rmi $mysql $redis >/dev/null 2>&1 || true
      seeds=\$(docker images -q pipeline-deps/mysql-seed); [ -z \"\$seeds\" ] || docker rmi -f \$seeds >/dev/null
      docker image inspect $mysql >/dev/null 2>&1 && { echo 'mysql image still in the engine (in use?)' >&2; exit 1; } || true"
bench_pair "P1 warm Restore->Test (A) vs cold (B)" "${PAIRS:-2}" \
  "$drop" "./build.sh Test --cache-dir $work/warm" \
  "$drop; rm -rf $work/cold" "./build.sh Test --cache-dir $work/cold"
