#!/usr/bin/env bash
# Stops what sandbox/up.sh started: containers the pipeline labelled, the AWS endpoint, the registry, and a dockerd
# only if up.sh started it (an engine someone else runs is left alone). Idempotent.
# Usage: sandbox/down.sh [--purge]    (--purge: also delete the state dir: registry data, password, logs)
set -euo pipefail

SANDBOX_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
source "$SANDBOX_DIR/lib/common.sh"
source "$SANDBOX_DIR/lib/engine.sh"
source "$SANDBOX_DIR/lib/registry.sh"
source "$SANDBOX_DIR/lib/aws.sh"
source "$SANDBOX_DIR/lib/staging.sh"

PURGE=0
case "${1:-}" in
  "") ;;
  --purge) PURGE=1 ;;
  -h|--help) sed -n '2,4p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
  *) die "unknown argument '$1' (usage: sandbox/down.sh [--purge])" ;;
esac

# Label filters are ANDed by the engine, so each label is its own query.
# The pipeline's quick check must not find the sandbox up while (and after) this stops it.
rm -f "$STATE/up.json"

remove_labelled_containers() {
  if ! engine_ping; then log "containers: engine not answering on $(engine_socket), nothing to remove"; return; fi
  local ids="" label
  for label in pipeline.sandbox=true pipeline.run-id; do
    ids+=$(engine GET "/containers/json?all=1" -G --data-urlencode "filters={\"label\":[\"$label\"]}" \
      | jq -r '.[].Id')$'\n'
  done
  mapfile -t ids < <(awk NF <<<"$ids" | sort -u)
  if ((${#ids[@]} == 0)); then log "containers: none labelled pipeline.sandbox=true or pipeline.run-id"; return; fi
  local id code
  for id in "${ids[@]}"; do
    # force: running ones too; v: their anonymous volumes, or every test run would leak one.
    code=$(ENGINE_TIMEOUT=30 engine DELETE "/containers/$id?force=1&v=1" -o /dev/null -w '%{http_code}') || true
    [[ $code == 204 || $code == 404 ]] || warn "could not remove container ${id:0:12} (HTTP $code)"
  done
  log "containers: removed ${#ids[@]}"
}

stop_ours() {
  local name="$1" pidfile="$2" prog="$3" wait_s="$4" pid
  if pid=$(pid_alive "$pidfile" "$prog"); then
    log "$name: stopping pid $pid"
    stop_pid "$pid" "$name" "$wait_s"
    log "$name: stopped"
  elif [[ $name == engine ]] && engine_ping; then
    log "engine: running, but not started by sandbox/up.sh: left alone"
  else
    log "$name: not running"
  fi
  rm -f "$pidfile"
}

purge_state() {
  [[ -d $STATE ]] || { log "state dir $STATE: already gone"; return; }
  # Only a dir up.sh created: a mistyped PIPELINE_SANDBOX_DIR must never cost someone their home.
  [[ -e $STATE/.pipeline-sandbox ]] || die "$STATE has no .pipeline-sandbox marker; not deleting it"
  rm -rf "$STATE"
  log "state dir $STATE: deleted"
}

remove_labelled_containers
# The staging hosts' engines stop their own containers (MySQL/Redis data stays in their data-roots).
stop_staging "$PURGE"
stop_ours aws-endpoint "$AWS_PID" AwsEndpoint.dll 10
stop_ours registry "$REG_PID" docker-registry 10
# dockerd stops its running containers itself (up to their stop timeout), so give it time.
stop_ours engine "$ENGINE_PID" dockerd 40
((PURGE)) && purge_state
log "down"
