# shellcheck shell=bash
# Docker engine: reuse whatever answers on the socket, else start our own dockerd (no systemd here).

ENGINE_DIR="$STATE/engine"
ENGINE_PID="$ENGINE_DIR/dockerd.pid"
ENGINE_LOG="$ENGINE_DIR/dockerd.log"
ENGINE_WAIT_S=${ENGINE_WAIT_S:-30}

# A second dockerd started with --bridge=none on this machine deletes docker0 on start-up, and the running
# engine then fails every container start with "could not find bridge docker0". Put the interface back with the
# address the engine recorded for its bridge network.
ensure_default_bridge_interface() {
  ip link show docker0 >/dev/null 2>&1 && return 0
  local config gateway prefix
  config=$(engine GET /networks/bridge 2>/dev/null) || return 0
  gateway=$(jq -r '.IPAM.Config[0].Gateway // empty' <<<"$config")
  prefix=$(jq -r '.IPAM.Config[0].Subnet // empty' <<<"$config")
  [[ -n $gateway && -n $prefix && $(jq -r '.Options["com.docker.network.bridge.name"] // empty' <<<"$config") == docker0 ]] || return 0
  warn "the engine's bridge docker0 is missing (another dockerd removed it); recreating it as $gateway/${prefix#*/}"
  ip link add docker0 type bridge && ip addr add "$gateway/${prefix#*/}" dev docker0 && ip link set docker0 up \
    || die "could not recreate docker0; restart the engine (sandbox/down.sh, then sandbox/up.sh)"
}

ensure_engine() {
  local sock; sock=$(engine_socket)
  if engine_ping; then
    ensure_default_bridge_interface
    summary engine "ok ($sock)"
    return
  fi
  mkdir -p "$ENGINE_DIR"
  # A dockerd we started earlier may still be starting up (or wedged): never start a second one on top.
  if ! pid_alive "$ENGINE_PID" dockerd >/dev/null; then
    step_start "starting dockerd on $sock" "log: $ENGINE_LOG"
    # setsid + closed stdio: the daemon must outlive this script and not hold its caller's pipes open;
    # 9>&- because fd 9 is up.sh's lock, which a daemon would otherwise hold forever.
    # Our pid file comes from $! (setsid and nohup exec, so it is dockerd's pid): dockerd writes its
    # own only late in start-up. That one stays the default /var/run/docker.pid, so dockerd itself
    # refuses to run twice on /var/lib/docker, whoever started the other one.
    setsid nohup dockerd --host "unix://$sock" </dev/null >>"$ENGINE_LOG" 2>&1 9>&- &
    echo $! >"$ENGINE_PID"
  else
    step_start "waiting for the dockerd we started earlier (pid $(<"$ENGINE_PID"))"
  fi
  local i
  for ((i = 1; i <= ENGINE_WAIT_S * 2; i++)); do
    engine_ping && break
    # A dockerd that already exited (bad flags, data-root locked) will not answer: fail now, not in 30 s.
    pid_running "$ENGINE_PID" || { sleep 0.3; break; }
    ((i % 10 == 0)) && log "  still waiting for $sock/_ping ($((i / 2))s)"
    sleep 0.5
  done
  if ! engine_ping; then
    log_tail "$ENGINE_LOG"
    # A daemon that never answered is broken, not slow: stop it rather than leave it to grab the socket later.
    local pid; pid=$(pid_alive "$ENGINE_PID" dockerd) && { warn "stopping the unresponsive dockerd (pid $pid)"; stop_pid "$pid" dockerd 10; }
    rm -f "$ENGINE_PID"
    die "dockerd did not answer /_ping (it exited, or ${ENGINE_WAIT_S}s passed). Read the log above; common causes: another dockerd holding /var/lib/docker (/var/run/docker.pid), missing iptables or cgroup permissions. Fix, then run sandbox/down.sh and sandbox/up.sh"
  fi
  step_end
  summary engine "started ($sock, pid $(<"$ENGINE_PID"))"
}
