#!/usr/bin/env bash
# Takes a staging host out of an app's block of the sandbox load balancer (nginx) and puts it back:
# the deploy's before-host and after-host commands. Returns once the reload took effect, i.e. new
# requests no longer reach a drained host and requests already in flight to it have finished.
# Usage: sandbox/staging/lb.sh [--state DIR] [--app NAME] drain HOST [--force] | enable HOST | status [--json]
#   --app: the app's block (127.0.0.1:8080+slot); without it slot 0 (127.0.0.1:8080), as before apps existed
#   HOST: staging-1, staging-2 (or the ssh address 127.0.0.1:2222 ...)
#   drain refuses to take the last enabled host out (that would be an outage) unless --force.
# Exit: 0 done (also when nothing had to change), 1 failure, 2 bad usage.
set -euo pipefail

SANDBOX_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
APP=""
while [[ ${1:-} == --state || ${1:-} == --app ]]; do
  [[ -n ${2:-} ]] || { echo "lb.sh: $1 needs a value" >&2; exit 2; }
  if [[ $1 == --state ]]; then export PIPELINE_SANDBOX_DIR="$2"; else APP="$2"; fi
  shift 2
done
source "$SANDBOX_DIR/lib/common.sh"
source "$SANDBOX_DIR/lib/staging.sh"
# Failures here are expected outcomes with their own messages, not the sandbox's "unexpected failure".
trap - ERR
log() { printf '[lb] %s\n' "$*"; }

usage() { sed -n '5,8p' "$0" | sed 's/^# \{0,1\}//' >&2; exit 2; }

# Which block: the app's slot, or slot 0. Apps sharing a slot share its block and so its drained hosts.
SLOT=0
if [[ -n $APP ]]; then
  app_known "$APP" || { echo "lb.sh: unknown app '$APP' (known: $(app_names | paste -sd' ' | sed 's/^$/none/')); sandbox/up.sh --app PROFILE provisions it" >&2; exit 2; }
  SLOT=$(app_slot "$APP")
fi
SLOT_URL=$(lb_slot_url "$SLOT")
WHAT="${APP:-slot 0} ($SLOT_URL)"

# Host name, or the host's ssh address as the deploy settings may spell it.
resolve_host() {
  local arg="$1" h
  for h in "${STAGING_HOSTS[@]}"; do
    [[ $arg == "$h" || $arg == "127.0.0.1:$(host_ssh_port "$h")" || $arg == "$STAGING_USER@127.0.0.1:$(host_ssh_port "$h")" ]] \
      && { HOST="$h"; return; }
  done
  echo "lb.sh: unknown host '$arg' (known: ${STAGING_HOSTS[*]})" >&2; exit 2
}

require_lb() {
  if [[ ! -r $LB_CONF ]] || ! LB_MASTER=$(lb_pid); then
    echo "lb.sh: the load balancer is not running ($LB_URL); start it with sandbox/up.sh" >&2; exit 1
  fi
}

set_drained() {
  local host="$1" drain="$2" force="$3" others
  require_lb
  mkdir -p "$LB_DIR"
  exec 8>"$LB_DIR/lb.lock"; flock -w 60 8 || { echo "lb.sh: $LB_DIR/lb.lock held for 60 s" >&2; exit 1; }
  if ((drain)) && ! lb_is_drained "$host" "$SLOT" && ((!force)); then
    others=$(for h in "${STAGING_HOSTS[@]}"; do [[ $h == "$host" ]] || lb_is_drained "$h" "$SLOT" || echo "$h"; done)
    [[ -n $others ]] || { echo "lb.sh: $host is the last enabled host of $WHAT; draining it stops all its traffic (pass --force to do it anyway)" >&2; exit 1; }
  fi
  local file; file=$(lb_drained_file "$SLOT")
  { lb_drained_hosts "$SLOT" | grep -vx -- "$host" || true; ((drain)) && echo "$host"; } >"$file.tmp"
  mv "$file.tmp" "$file"
  local changed; changed=$(lb_render_upstream)
  local verb; ((drain)) && verb=drained || verb=enabled
  if [[ -z $changed && $(lb_live_generation) == "$(lb_file_generation)" ]]; then
    log "$host: already $verb in $WHAT (generation $(lb_file_generation))"; return
  fi
  lb_reload "$LB_MASTER" || { echo "lb.sh: nginx reload failed or did not take effect (log: $LB_DIR/error.log)" >&2; exit 1; }
  log "$host: $verb in $WHAT (generation $(lb_file_generation), live)"
}

status() {
  local json=0; [[ ${1:-} == --json ]] && json=1
  local pid="" live gen rows="[]" h state answering
  pid=$(lb_pid) || true
  live=$(lb_live_generation); gen=$(lb_file_generation)
  for h in "${STAGING_HOSTS[@]}"; do
    lb_is_drained "$h" "$SLOT" && state=drained || state=enabled
    # Anything listening on the app port at all (any HTTP status counts: it answered).
    answering=false
    [[ $(curl -s -o /dev/null -w '%{http_code}' --max-time 2 "http://127.0.0.1:$(host_slot_app_port "$h" "$SLOT")/" || true) != 000 ]] && answering=true
    rows=$(jq -c --arg n "$h" --arg u "127.0.0.1:$(host_slot_app_port "$h" "$SLOT")" --arg s "$state" --argjson a "$answering" \
      '. + [{name: $n, upstream: $u, state: $s, answering: $a}]' <<<"$rows")
  done
  if ((json)); then
    jq -n --arg url "$SLOT_URL" --arg app "$APP" --argjson slot "$SLOT" --argjson running "$([[ -n $pid ]] && echo true || echo false)" \
      --arg gen "$gen" --arg live "$live" --argjson hosts "$rows" \
      '{url: $url, app: (if $app == "" then null else $app end), slot: $slot, running: $running, generation: ($gen | tonumber? // null), liveGeneration: ($live | tonumber? // null), hosts: $hosts}'
  else
    if [[ -n $pid ]]; then echo "load balancer $SLOT_URL${APP:+ (app $APP, slot $SLOT)}: nginx pid $pid, generation $gen (live ${live:-?})"
    else echo "load balancer $SLOT_URL${APP:+ (app $APP, slot $SLOT)}: NOT RUNNING (sandbox/up.sh starts it)"; fi
    jq -r '.[] | "  \(.name)  \(.upstream)  \(.state)  \(if .answering then "app answering" else "nothing listening" end)"' <<<"$rows"
  fi
  [[ -n $pid ]]
}

case "${1:-}" in
  drain|enable)
    [[ -n ${2:-} ]] || usage
    force=0
    [[ ${3:-} == --force ]] && force=1
    [[ -z ${3:-} || $force == 1 ]] || usage
    [[ $1 == enable && $force == 1 ]] && usage
    resolve_host "$2"
    set_drained "$HOST" "$([[ $1 == drain ]] && echo 1 || echo 0)" "$force" ;;
  status) status "${2:-}" ;;
  -h|--help) sed -n '2,9p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
  *) usage ;;
esac
