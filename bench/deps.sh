#!/usr/bin/env bash
# P2: a warm StartDeps (images in the engine) against the original CI's shell sequence, both against the sandbox.
#   A: ./build.sh StartDeps --skip Restore: the run's network, both containers started at once, MySQL asked
#      `SELECT 1` through its own client and Redis PINGed on its port, then docker/database.sql imported.
#   B: the original, one step after the other: docker load -i mysql.tar, docker run -d (MySQL), docker load -i
#      redis.tar, docker run -d (Redis); then, to be fair, the same readiness and import as A: `docker exec mysql
#      -h127.0.0.1 -uroot -e 'SELECT 1'` until it passes, `docker exec redis-cli ping` until PONG (both every
#      0.2 s, A's interval), and `docker exec -i ... mysql < docker/database.sql`.
# Target: A/B <= 0.6.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
source bench/lib.sh

mysql=127.0.0.1:5000/sandbox/mariadb:10.11
redis=127.0.0.1:5000/sandbox/redis:7.0
work=$(mktemp -d /tmp/bench-deps.XXXXXX)
trap 'docker rm -f ci-mysql ci-redis >/dev/null 2>&1 || true; ./build.sh DepsDown >/dev/null 2>&1 || true; rm -rf "$work"' EXIT

# Both images in the engine (Restore brings them), and the original's tarballs: raw `docker save`, as it cached them.
./build.sh Restore >/dev/null
docker save -o "$work/mysql.tar" "$mysql"
docker save -o "$work/redis.tar" "$redis"
./build.sh DepsStatus >/dev/null  # the library built and Cake's script cache warm, as on any run after the first

# Each side removes the other's containers first: both publish 127.0.0.1:13306.
clean_a='docker rm -f ci-mysql ci-redis >/dev/null 2>&1 || true'
clean_b='ids=$(docker ps -aq --filter label=pipeline.deps=pipeline); [ -z "$ids" ] || docker rm -f $ids >/dev/null;
         nets=$(docker network ls -q --filter label=pipeline.deps=pipeline); [ -z "$nets" ] || docker network rm $nets >/dev/null'
original="docker load -i $work/mysql.tar
  docker run --detach --name ci-mysql -p 127.0.0.1:13306:3306 --env MYSQL_ALLOW_EMPTY_PASSWORD=yes $mysql
  docker load -i $work/redis.tar
  docker run --detach --name ci-redis $redis
  until docker exec ci-mysql mysql -h127.0.0.1 -uroot -e 'SELECT 1' >/dev/null 2>&1; do sleep 0.2; done
  until [ \"\$(docker exec ci-redis redis-cli ping 2>/dev/null)\" = PONG ]; do sleep 0.2; done
  docker exec -i ci-mysql mysql -h127.0.0.1 -uroot < docker/database.sql"

bench_pair "P2 warm StartDeps (A) vs original load+run sequence (B)" "${PAIRS:-5}" \
  "$clean_a" "./build.sh StartDeps --skip Restore" \
  "$clean_b" "$original"
