# shellcheck shell=bash
# Local registry: Debian's docker-registry (distribution 2.8) with our own config, bcrypt htpasswd auth.

REG_DIR="$STATE/registry"
REG_PID="$REG_DIR/registry.pid"
REG_LOG="$REG_DIR/registry.log"
REG_CONFIG="$REG_DIR/config.yml"
REG_HTPASSWD="$REG_DIR/htpasswd"
REG_PASSWORD="$REG_DIR/password"
REG_WAIT_S=15

# HTTP status of an unauthenticated GET /v2/: 401 is our registry, 200 would be an open one.
registry_status() {
  curl -s -o /dev/null -w '%{http_code}' --max-time 2 "http://$REGISTRY_ADDR/v2/" 2>/dev/null || true
}

# Generated once and kept: the pipeline and other engineers' shells read it from this file.
ensure_registry_credentials() {
  mkdir -p "$REG_DIR/data"
  chmod 700 "$REG_DIR"
  if [[ ! -s "$REG_PASSWORD" ]]; then
    # 24 random bytes -> 32 base64url chars, safe inside JSON, YAML and URLs without quoting.
    (umask 077; head -c 24 /dev/urandom | base64 | tr '+/' '-_' >"$REG_PASSWORD")
    rm -f "$REG_HTPASSWD"
  fi
  chmod 600 "$REG_PASSWORD"
  if [[ ! -s "$REG_HTPASSWD" ]]; then
    # -i reads the password from stdin: it never appears in argv.
    (umask 077; htpasswd -B -i -c "$REG_HTPASSWD" "$REGISTRY_USER" <"$REG_PASSWORD" 2>/dev/null) \
      || die "htpasswd could not write $REG_HTPASSWD"
  fi
}

registry_config_text() {
  cat <<EOF
# Written by sandbox/up.sh; edits are overwritten on the next run.
version: 0.1
log:
  level: info
storage:
  filesystem:
    rootdirectory: $REG_DIR/data
  # The pipeline prunes old tags, which needs manifest DELETE.
  delete:
    enabled: true
  cache:
    blobdescriptor: inmemory
http:
  # Loopback only: the sandbox must never be reachable from the network.
  addr: $REGISTRY_ADDR
  headers:
    X-Content-Type-Options: [nosniff]
auth:
  htpasswd:
    realm: pipeline-sandbox
    path: $REG_HTPASSWD
EOF
}

write_registry_config() {
  local tmp="$REG_CONFIG.tmp"
  registry_config_text >"$tmp"
  if cmp -s "$tmp" "$REG_CONFIG"; then rm -f "$tmp"; else mv "$tmp" "$REG_CONFIG"; echo changed; fi
}

start_registry() {
  step_start "starting docker-registry on $REGISTRY_ADDR" "log: $REG_LOG"
  setsid nohup docker-registry serve "$REG_CONFIG" </dev/null >>"$REG_LOG" 2>&1 9>&- &
  echo $! >"$REG_PID"
  local i code
  for ((i = 0; i < REG_WAIT_S * 5; i++)); do
    code=$(registry_status)
    [[ $code == 401 ]] && break
    pid_running "$REG_PID" || break
    sleep 0.2
  done
  if [[ $(registry_status) != 401 ]]; then
    log_tail "$REG_LOG"
    die "docker-registry did not answer 401 on http://$REGISTRY_ADDR/v2/ within ${REG_WAIT_S}s; read the log above (port 5000 taken?)"
  fi
  step_end
}

ensure_registry() {
  ensure_registry_credentials
  local changed; changed=$(write_registry_config)
  local pid=""; pid=$(pid_alive "$REG_PID" docker-registry) || true
  local code; code=$(registry_status)
  # The config is only read at start: restart ours so an edited config takes effect.
  if [[ -n $pid && -n $changed ]]; then
    log "registry config changed, restarting pid $pid"
    stop_pid "$pid" docker-registry 10
    code=000
  fi
  case "$code" in
    401)
      if [[ -n $pid ]]; then summary registry "ok ($REGISTRY_ADDR, pid $pid)"; return; fi
      # Someone else's authenticated registry: our password will not work with it.
      registry_curl -o /dev/null -f "http://$REGISTRY_ADDR/v2/" \
        || die "a registry on $REGISTRY_ADDR that sandbox/up.sh did not start rejects the sandbox password; stop it (check: ss -ltnp 'sport = :5000')"
      summary registry "ok ($REGISTRY_ADDR, not started by us)"; return ;;
    000) ;;
    *) die "something on $REGISTRY_ADDR answers /v2/ with HTTP $code, not 401: an unauthenticated registry (Debian's own service?) holds the port; stop it (ss -ltnp 'sport = :5000')" ;;
  esac
  start_registry
  summary registry "started ($REGISTRY_ADDR, pid $(<"$REG_PID"))"
}
