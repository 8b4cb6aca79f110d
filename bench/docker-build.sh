#!/usr/bin/env bash
# B1: DockerBuild with no change since the last build (A) against a cold build (B): no layers of the app in the
# engine, only the base image, as on a fresh CI machine without the latest image. Runs against the sandbox.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
source bench/lib.sh

# Removes every image DockerBuild made (they carry the repository label) and the build layers under them.
cold='ids=$(docker images -q --filter label=pipeline.repository=sample-app | sort -u);
      [ -z "$ids" ] || docker rmi -f $ids >/dev/null; docker image prune -f >/dev/null'
./build.sh Restore >/dev/null  # sandbox up, base and dependency images present
./build.sh DockerBuild --skip Restore >/dev/null   # the "last build" the no-change runs start from
bench_pair "B1 DockerBuild no change (A) vs cold (B)" "${PAIRS:-3}" \
  true "./build.sh DockerBuild --skip Restore" \
  "$cold" "./build.sh DockerBuild --skip Restore"
