#!/usr/bin/env bash
# Starts the sample app on a staging host from an image already on that host, replacing the
# container of the same name. Usage:
#
#   start-project.sh IMAGE [NAME]
#
#   IMAGE  an explicit image reference with a tag or digest, e.g. sample-app:develop-1a2b3c4
#   NAME   container name (default: $APP_CONTAINER_NAME, else sample-app)
#
# Environment:
#   APP_ENV_FILE      env file passed to the container (default: $HOME/sample-app.env)
#   APP_PUBLISH_PORT  host port published to the app's port 3000 (default: 3000)
#   APP_PUBLISH_IP    host address to publish on (default: all addresses)
#   DOCKER_NETWORK    docker network to join, e.g. the one the mysql and redis containers are on
#   APP_STOP_TIMEOUT  seconds the old container gets to finish in-flight requests (default: 15)
set -euo pipefail

script="$(basename "$0")"

die() {
  printf '%s: %s\n' "$script" "$1" >&2
  exit "${2:-1}"
}

usage() {
  printf 'usage: %s IMAGE [NAME]\n' "$script" >&2
  printf '  IMAGE must carry a tag or digest, e.g. sample-app:develop-1a2b3c4\n' >&2
  exit 64
}

[ "$#" -ge 1 ] && [ "$#" -le 2 ] || usage
image="$1"
name="${2:-${APP_CONTAINER_NAME:-sample-app}}"
[ -n "$image" ] || usage

# Docker's reference grammar: [registry[:port]/]path[/path...](:tag|@digest|:tag@digest).
# A tag or digest is required: an implicit ":latest" on a staging host is how the wrong build ends up running.
component='[a-z0-9]+(([._]|__|-+)[a-z0-9]+)*'
registry='[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?(\.[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?)*(:[0-9]+)?'
tag='[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}'
digest='sha256:[a-f0-9]{64}'
reference="^(${registry}/)?${component}(/${component})*((:${tag})|(@${digest})|(:${tag}@${digest}))$"
if ! [[ "$image" =~ $reference ]]; then
  die "malformed image reference '${image}': expected NAME:TAG or NAME@sha256:DIGEST, e.g. sample-app:develop-1a2b3c4" 64
fi
if ! [[ "$name" =~ ^[a-zA-Z0-9][a-zA-Z0-9_.-]*$ ]]; then
  die "invalid container name '${name}'" 64
fi

env_file="${APP_ENV_FILE:-${HOME}/sample-app.env}"
publish_port="${APP_PUBLISH_PORT:-3000}"
publish_ip="${APP_PUBLISH_IP:-}"
network="${DOCKER_NETWORK:-}"
stop_timeout="${APP_STOP_TIMEOUT:-15}"

[ -r "$env_file" ] || die "env file '${env_file}' is missing or unreadable (set APP_ENV_FILE to its path)"
if ! [[ "$publish_port" =~ ^[0-9]+$ ]] || [ "$publish_port" -lt 1 ] || [ "$publish_port" -gt 65535 ]; then
  die "APP_PUBLISH_PORT must be a port number (1-65535), got '${publish_port}'"
fi
[[ "$stop_timeout" =~ ^[0-9]+$ ]] || die "APP_STOP_TIMEOUT must be a number of seconds, got '${stop_timeout}'"

docker image inspect "$image" >/dev/null 2>&1 || die "image '${image}' is not on this host: docker pull it first"
if [ -n "$network" ]; then
  docker network inspect "$network" >/dev/null 2>&1 || die "docker network '${network}' does not exist"
fi

publish="${publish_port}:3000"
[ -z "$publish_ip" ] || publish="${publish_ip}:${publish}"

run_args=(
  --detach
  --name "$name"
  --env-file "$env_file"
  --restart unless-stopped
  --log-driver json-file
  --log-opt max-size=10m
  --log-opt max-file=3
  --stop-timeout "$stop_timeout"
  --publish "$publish"
)
[ -z "$network" ] || run_args+=(--network "$network")

# Stop (SIGTERM, then wait) rather than rm -f (SIGKILL), so in-flight requests finish.
if docker container inspect "$name" >/dev/null 2>&1; then
  printf 'stopping the old %s container\n' "$name"
  docker stop --time "$stop_timeout" "$name" >/dev/null
  docker rm "$name" >/dev/null
fi

printf 'starting %s from %s on port %s\n' "$name" "$image" "$publish"
docker run "${run_args[@]}" "$image"
