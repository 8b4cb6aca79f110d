#!/usr/bin/env bash
# Makes this machine ready to run the pipeline locally with no cloud account: Docker engine, an
# authenticated registry on 127.0.0.1:5000, the AWS (ECR) endpoint on 127.0.0.1:4566 and offline
# fixture images, the staging hosts and the ECS cluster; with --app, also one app's services, env file, load
# balancer block and ECS service. Idempotent; a second run is fast.
# Usage: sandbox/up.sh [--without PART[,PART]] [--app PROFILE.json] [--rebuild [KEY...]]
#   --without: leave these parts unchecked (staging: the SSH hosts and load balancer; ecs: the ECS cluster and
#              services); ./build.sh passes the parts its targets do not use
#   --app:     provision this app too (sandbox/README.md, "Apps"); apps provisioned before stay as they are
#   --rebuild: rebuild and re-push the fixture images named (debian node mysql redis nginx postgres), or all of them
set -euo pipefail

SANDBOX_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
source "$SANDBOX_DIR/lib/common.sh"
source "$SANDBOX_DIR/lib/packages.sh"
source "$SANDBOX_DIR/lib/engine.sh"
source "$SANDBOX_DIR/lib/registry.sh"
source "$SANDBOX_DIR/lib/fixtures.sh"
source "$SANDBOX_DIR/lib/aws.sh"
source "$SANDBOX_DIR/lib/staging.sh"
source "$SANDBOX_DIR/lib/ecs.sh"

USAGE="usage: sandbox/up.sh [--without staging,ecs] [--app PROFILE.json] [--rebuild [debian|node|mysql|redis|nginx|postgres ...]]"
WITHOUT=","
APP_FILE=""
while (($#)); do
  case "$1" in
    --without)
      (($# >= 2)) || die "--without needs the parts to leave out, e.g. --without staging,ecs ($USAGE)"
      for part in ${2//,/ }; do
        [[ $part == staging || $part == ecs ]] || die "unknown part '$part' for --without: staging or ecs ($USAGE)"
        WITHOUT+="$part,"
      done
      shift 2 ;;
    --app)
      (($# >= 2)) || die "--app needs the app's profile file ($USAGE)"
      APP_FILE="$2"; shift 2 ;;
    --rebuild) shift; SANDBOX_REBUILD="${*:-all}"; break ;;
    -h|--help) sed -n '2,11p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) die "unknown argument '$1' ($USAGE)" ;;
  esac
done
wanted() { [[ $WITHOUT != *",$1,"* ]]; }

# Non-secret facts for the C# pipeline; written atomically so a reader never sees half a file.
write_sandbox_json() {
  local out="$STATE/sandbox.json" images="{}" e
  for e in "${FIXTURE_IMAGES[@]}"; do
    images=$(jq -c --arg k "${e%%=*}" --arg v "${e#*=}" '. + {($k): $v}' <<<"$images")
  done
  jq -n --arg r "$REGISTRY_ADDR" --arg u "$REGISTRY_USER" --arg p "$REG_PASSWORD" --argjson i "$images" \
    --argjson aws "$(aws_sandbox_json)" --argjson staging "$(staging_sandbox_json)" --argjson ecs "$(ecs_sandbox_json)" \
    --argjson apps "$(apps_sandbox_json)" \
    '{registry: $r, registryUser: $u, registryPasswordFile: $p, images: $i, aws: $aws, staging: $staging, ecs: $ecs, apps: $apps}' >"$out.tmp"
  mv "$out.tmp" "$out"
}

# What this run checked, for the pipeline's quick check: while every process listed is alive and no file of
# sandbox/ is newer than this record, a run that needs no more parts than these skips up.sh (a warm up.sh takes
# 0.7-1.8 s; reading this and a few /proc entries takes milliseconds). Written last, so a failed run leaves none.
# Apps: every app provisioned while these very daemons ran (same pids), with the parts it was provisioned for, so
# runs of two apps in turn do not provision each other's app again; a restarted daemon forgets them all.
write_up_record() {
  local out="$STATE/up.json" parts=() procs=() entry host pid
  wanted staging && parts+=(staging)
  wanted ecs && parts+=(ecs)
  # The engine is listed only when up.sh started it: one someone else runs has no pid file of ours.
  procs+=("$ENGINE_PID=dockerd" "$REG_PID=docker-registry" "$AWS_PID=AwsEndpoint.dll")
  if wanted staging; then
    for host in "${STAGING_HOSTS[@]}"; do procs+=("$(host_dir "$host")/sshd.pid=sshd" "$(host_dir "$host")/dockerd.pid=dockerd"); done
    procs+=("$(host_dir "$STAGING_JUMP_HOST")/jump.run.pid=socat" "$LB_DIR/nginx.pid=nginx")
  fi
  local json="[]" parts_json apps="[]"
  for entry in "${procs[@]}"; do
    [[ -f ${entry%=*} ]] || continue
    pid=$(tr -dc '0-9' <"${entry%=*}")
    json=$(jq -c --arg f "${entry%=*}" --arg m "${entry##*=}" --arg p "$pid" '. + [{pidFile: $f, match: $m, pid: ($p | tonumber? // null)}]' <<<"$json")
  done
  parts_json=$(printf '%s\n' "${parts[@]}" | jq -R . | jq -sc 'map(select(length > 0))')
  # The apps of the last record stay only if its daemons are these very processes.
  apps=$(jq -c --argjson now "$json" 'if (.processes // null) == $now then (.apps // []) else [] end' \
    <<<"${PREVIOUS_UP_RECORD:-null}" 2>/dev/null || echo '[]')
  if [[ -n $APP_FILE ]]; then
    apps=$(jq -c --arg n "$APP_NAME" --arg s "$APP_PROFILE_SHA" --argjson parts "$parts_json" '
      (map(select(.name == $n and .profileSha == $s)) | first | .parts // []) as $before
      | map(select(.name != $n)) + [{name: $n, profileSha: $s, parts: ($before + $parts | unique)}]' <<<"$apps")
  fi
  jq -n --arg s "$SANDBOX_DIR" --argjson p "$parts_json" --argjson procs "$json" --argjson apps "$apps" \
    '{sandbox: $s, parts: $p, processes: $procs, apps: $apps}' >"$out.tmp"
  mv "$out.tmp" "$out"
}

main() {
  local t0=$EPOCHREALTIME
  # A bad profile stops us before anything changes (up.json included).
  [[ -z $APP_FILE ]] || load_app_profile "$APP_FILE"
  check_host
  mkdir -p "$STATE"
  # down.sh --purge deletes the state dir only if it carries this marker (never a mistyped $HOME).
  [[ -e "$STATE/.pipeline-sandbox" ]] || echo "state dir of sandbox/up.sh; sandbox/down.sh --purge deletes it" >"$STATE/.pipeline-sandbox"
  # Two up.sh at once (parallel test runs) would race on dockerd, the registry and the builds.
  exec 9>"$STATE/up.lock"
  flock -n 9 || { log "another sandbox/up.sh is running, waiting for it (up to 15 min)"; flock -w 900 9 || die "gave up waiting for $STATE/up.lock"; }
  # Read under the lock, so an up.sh that ran meanwhile is in it. Its apps are kept only if no script changed
  # since (a changed script may provision differently).
  PREVIOUS_UP_RECORD=""
  if [[ -f $STATE/up.json ]] && [[ -z $(find "$SANDBOX_DIR" \( -name bin -o -name obj \) -prune -o -newer "$STATE/up.json" -print -quit) ]]; then
    PREVIOUS_UP_RECORD=$(cat "$STATE/up.json")
  fi
  rm -f "$STATE/up.json"

  ensure_packages
  ensure_engine
  ensure_registry
  ensure_aws_endpoint
  ensure_fixtures
  local slot=""
  if [[ -n $APP_FILE ]]; then
    slot=$(assign_app_slot "$APP_NAME" "$APP_PROFILE")
    record_app "$APP_NAME" "$APP_PROFILE" "$APP_PROFILE_SHA" "$slot"
    summary app "$APP_NAME: slot $slot (load balancer $(lb_slot_url "$slot"), app ports $(for h in "${STAGING_HOSTS[@]}"; do printf '%s ' "$(host_slot_app_port "$h" "$slot")"; done | sed 's/ $//'))"
  fi
  if wanted staging; then ensure_staging ${APP_FILE:+"$APP_PROFILE" "$slot"}; else summary staging "not checked (--without staging)"; fi
  # Any other dockerd starting on this machine may have deleted docker0 meanwhile; every test container needs it.
  ensure_default_bridge_interface
  if wanted ecs; then ensure_ecs ${APP_FILE:+"$APP_PROFILE"}; else summary ecs "not checked (--without ecs)"; fi
  write_sandbox_json
  summary sandbox.json "$STATE/sandbox.json"
  write_up_record
  print_summary
  log "ready in $(awk -v a="$t0" -v b="$EPOCHREALTIME" 'BEGIN{printf "%.1f", b-a}')s"
}

main
