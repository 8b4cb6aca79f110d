#!/usr/bin/env bash
# Makes this machine ready to run the pipeline locally with no cloud account: Docker engine, an
# authenticated registry on 127.0.0.1:5000, the AWS (ECR) endpoint on 127.0.0.1:4566 and offline
# fixture images. Idempotent; a second run is fast.
# Usage: sandbox/up.sh [--rebuild [KEY...]]
#   --rebuild: rebuild and re-push the fixture images named (debian node mysql redis nginx), or all of them
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

case "${1:-}" in
  "") ;;
  --rebuild) shift; SANDBOX_REBUILD="${*:-all}" ;;
  -h|--help) sed -n '2,6p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
  *) die "unknown argument '$1' (usage: sandbox/up.sh [--rebuild [debian|node|mysql|redis|nginx ...]])" ;;
esac

# Non-secret facts for the C# pipeline; written atomically so a reader never sees half a file.
write_sandbox_json() {
  local out="$STATE/sandbox.json" images="{}" e
  for e in "${FIXTURE_IMAGES[@]}"; do
    images=$(jq -c --arg k "${e%%=*}" --arg v "${e#*=}" '. + {($k): $v}' <<<"$images")
  done
  jq -n --arg r "$REGISTRY_ADDR" --arg u "$REGISTRY_USER" --arg p "$REG_PASSWORD" --argjson i "$images" \
    --argjson aws "$(aws_sandbox_json)" --argjson staging "$(staging_sandbox_json)" --argjson ecs "$(ecs_sandbox_json)" \
    '{registry: $r, registryUser: $u, registryPasswordFile: $p, images: $i, aws: $aws, staging: $staging, ecs: $ecs}' >"$out.tmp"
  mv "$out.tmp" "$out"
}

main() {
  local t0=$EPOCHREALTIME
  check_host
  mkdir -p "$STATE"
  # down.sh --purge deletes the state dir only if it carries this marker (never a mistyped $HOME).
  [[ -e "$STATE/.pipeline-sandbox" ]] || echo "state dir of sandbox/up.sh; sandbox/down.sh --purge deletes it" >"$STATE/.pipeline-sandbox"
  # Two up.sh at once (parallel test runs) would race on dockerd, the registry and the builds.
  exec 9>"$STATE/up.lock"
  flock -n 9 || { log "another sandbox/up.sh is running, waiting for it (up to 15 min)"; flock -w 900 9 || die "gave up waiting for $STATE/up.lock"; }

  ensure_packages
  ensure_engine
  ensure_registry
  ensure_aws_endpoint
  ensure_fixtures
  ensure_staging
  # Any other dockerd starting on this machine may have deleted docker0 meanwhile; every test container needs it.
  ensure_default_bridge_interface
  ensure_ecs
  write_sandbox_json
  summary sandbox.json "$STATE/sandbox.json"
  print_summary
  log "ready in $(awk -v a="$t0" -v b="$EPOCHREALTIME" 'BEGIN{printf "%.1f", b-a}')s"
}

main
