# shellcheck shell=bash
# The staging load balancer: Debian's nginx with our own config, pid, logs and temp dirs in $STATE/staging/lb.
# One server block per app slot k (apps.sh): 127.0.0.1:(8080+k) in front of every staging host's app port of
# that slot; slot 0 (127.0.0.1:8080 -> 3001, 3002) always exists. Hosts are drained and enabled per slot by
# rewriting upstream.conf (server ... down) and reloading; sandbox/staging/lb.sh is the command for that.
# Sourced by staging.sh.

LB_DIR="$STAGING_DIR/lb"
LB_ADDR=127.0.0.1:8080
# shellcheck disable=SC2034  # slot 0's URL: sandbox.json's staging.loadBalancer (staging.sh) and lb.sh
LB_URL="http://$LB_ADDR"
LB_CONF="$LB_DIR/nginx.conf"
LB_UPSTREAM="$LB_DIR/upstream.conf"
LB_DRAINED="$LB_DIR/drained"        # slot 0's drained hosts, one a line (slot k: drained-k); survive up.sh and down.sh
LB_GENERATION="$LB_DIR/generation"  # bumped on every upstream change; the control socket reports the live one
LB_CONTROL="$LB_DIR/control.sock"
LB_PID="$LB_DIR/nginx.run.pid"
LB_RELOAD_WAIT_S=${LB_RELOAD_WAIT_S:-30}

# How sandbox.json spells the lb.sh command (with the state dir when it is not the default one).
lb_command() {
  local cmd; cmd=$(printf '%q' "$SANDBOX_DIR/staging/lb.sh")
  [[ $STATE == "$HOME/.pipeline-sandbox" ]] || cmd+=" --state $(printf '%q' "$STATE")"
  echo "$cmd"
}

lb_nginx() { nginx -c "$LB_CONF" -p "$LB_DIR/" -e "$LB_DIR/error.log" "$@"; }

lb_nginx_conf() {
  cat <<EOF
# Written by sandbox/up.sh; edits are overwritten. The upstream servers are in upstream.conf (lb.sh).
daemon off;
worker_processes 1;
pid $LB_DIR/nginx.pid;
lock_file $LB_DIR/nginx.lock;
error_log $LB_DIR/error.log notice;
# Workers stay unprivileged: they never write below the state dir (bodies and responses are not spooled).
user nobody nogroup;
# A reload waits for old workers to finish their requests, but not forever.
worker_shutdown_timeout 20s;
events { worker_connections 1024; }
http {
    log_format upstream '\$time_iso8601 \$status \$request_method \$request_uri upstream=\$upstream_addr '
                        'upstream_status=\$upstream_status \${request_time}s';
    access_log $LB_DIR/access.log upstream;
    client_body_temp_path $LB_DIR/tmp/client_body;
    proxy_temp_path $LB_DIR/tmp/proxy;
    fastcgi_temp_path $LB_DIR/tmp/fastcgi;
    uwsgi_temp_path $LB_DIR/tmp/uwsgi;
    scgi_temp_path $LB_DIR/tmp/scgi;
    client_max_body_size 1m;
    client_body_buffer_size 1m;
    proxy_max_temp_file_size 0;

    # The upstream of every slot, the server of every slot but 0, and the control server: rendered together by
    # lb.sh and up.sh (one generation).
    include $LB_UPSTREAM;

    # Slot 0 stays here, where it was before there were slots: an upstream.conf rendered by an older lb.sh
    # (another checkout sharing the state dir) then still leaves 127.0.0.1:8080 serving.
    server {
        listen $LB_ADDR;
$(lb_location_conf 0)
    }
}
EOF
}

# The location of slot $1's server block.
lb_location_conf() {
  cat <<EOF
        location / {
            proxy_pass http://$(lb_upstream_name "$1");
            proxy_set_header Host \$host;
            proxy_set_header X-Forwarded-For \$proxy_add_x_forwarded_for;
            proxy_set_header X-Forwarded-Proto \$scheme;
            proxy_connect_timeout 2s;
            proxy_send_timeout 15s;
            proxy_read_timeout 15s;
            # A drained, stopped or restarting host: the request goes to the next one instead of failing.
            # (POST and other non-idempotent requests are retried only when nothing was sent yet.)
            proxy_next_upstream error timeout http_502 http_503;
            proxy_next_upstream_timeout 20s;
            # Which host answered (tests count these; "a, b" means a failed and b answered).
            add_header X-Sandbox-Upstream \$upstream_addr always;
        }
EOF
}

# Slot 0 keeps the names it had before there were slots.
lb_upstream_name() { if (($1 == 0)); then echo staging_hosts; else echo "staging_hosts_$1"; fi; }
lb_drained_file() { if (($1 == 0)); then echo "$LB_DRAINED"; else echo "$LB_DRAINED-$1"; fi; }
lb_slot_url() { echo "http://127.0.0.1:$(slot_lb_port "$1")"; }
# $1 = slot (default 0)
lb_drained_hosts() { local f; f=$(lb_drained_file "${1:-0}"); [[ -r $f ]] && awk NF "$f"; return 0; }
# $1 = host, $2 = slot (default 0)
lb_is_drained() { grep -qx -- "$1" <<<"$(lb_drained_hosts "${2:-0}")"; }
lb_file_generation() { [[ -r $LB_GENERATION ]] && cat "$LB_GENERATION" || echo 0; }

# upstream.conf for a generation and the current drained list. The control server is here too, so
# the generation it reports is exactly the one of the upstream list the workers use.
lb_upstream_conf() {
  local gen="$1" host line slot apps name control=""
  echo "# Written by sandbox/staging/lb.sh or sandbox/up.sh, generation $gen; edits are overwritten."
  for slot in $(app_slots); do
    apps=$(app_slot_names "$slot")
    echo "# slot $slot${apps:+: $apps}"
    echo "upstream $(lb_upstream_name "$slot") {"
    for host in "${STAGING_HOSTS[@]}"; do
      # Passive health: one failure (error, timeout, 502, 503) benches a host for 2 s, then it is tried again.
      line="    server 127.0.0.1:$(host_slot_app_port "$host" "$slot") max_fails=1 fail_timeout=2s"
      if lb_is_drained "$host" "$slot"; then echo "$line down;  # $host (drained)"; else echo "$line;  # $host"; fi
    done
    echo "}"
    if ((slot > 0)); then
      echo "server {"
      echo "    listen 127.0.0.1:$(slot_lb_port "$slot");"
      lb_location_conf "$slot"
      echo "}"
    fi
    name=drained; ((slot == 0)) || name="drained-$slot"
    control+="    location = /$name { return 200 \"$(lb_drained_hosts "$slot" | paste -sd' ')\\n\"; }"$'\n'
  done
  cat <<EOF
server {
    listen unix:$LB_CONTROL;
    access_log off;
    location = /generation { return 200 "$gen\n"; }
${control%$'\n'}
}
EOF
}

lb_pid() { pid_alive "$LB_PID" "$LB_CONF"; }
lb_live_generation() { curl -s --max-time 2 --unix-socket "$LB_CONTROL" http://lb/generation 2>/dev/null || true; }
lb_workers() { pgrep -P "$1" 2>/dev/null | sort || true; }

# Renders upstream.conf from the drained list; a new content gets the next generation.
# Prints "changed" when it wrote. The caller holds $LB_DIR/lb.lock.
lb_render_upstream() {
  local gen; gen=$(lb_file_generation)
  [[ -r $LB_UPSTREAM && $(<"$LB_UPSTREAM") == "$(lb_upstream_conf "$gen")" ]] && return 0
  gen=$((gen + 1))
  lb_upstream_conf "$gen" >"$LB_UPSTREAM.tmp" && mv "$LB_UPSTREAM.tmp" "$LB_UPSTREAM"
  echo "$gen" >"$LB_GENERATION.tmp" && mv "$LB_GENERATION.tmp" "$LB_GENERATION"
  echo changed
}

# Reload and wait until it took effect: new workers answer with the file's generation, and the old
# workers (which may still be finishing requests to a host just drained) have exited.
lb_reload() {
  local pid="$1" want old i w alive
  want=$(lb_file_generation)
  old=$(lb_workers "$pid")
  lb_nginx -t -q 2>"$LB_DIR/test.log" || { cat "$LB_DIR/test.log" >&2; return 1; }
  lb_nginx -s reload || return 1
  for ((i = 0; i < LB_RELOAD_WAIT_S * 10; i++)); do
    if [[ $(lb_live_generation) == "$want" ]]; then
      alive=0
      for w in $old; do [[ -r /proc/$w/stat && $(awk '{print $4}' "/proc/$w/stat" 2>/dev/null) == "$pid" ]] && alive=1; done
      ((alive)) || return 0
    fi
    sleep 0.1
  done
  warn "nginx reload: generation $want not fully live after ${LB_RELOAD_WAIT_S}s (live: $(lb_live_generation); old workers: $old)"
  return 1
}

start_lb() {
  rm -f "$LB_CONTROL"   # nginx does not remove a stale unix socket before bind
  lb_nginx -t -q 2>"$LB_DIR/test.log" || { cat "$LB_DIR/test.log" >&2; die "nginx rejects $LB_CONF"; }
  # 8>&- and 9>&-: the lb.lock and up.sh locks must not live on in the daemon.
  setsid nohup nginx -c "$LB_CONF" -p "$LB_DIR/" -e "$LB_DIR/error.log" </dev/null >>"$LB_DIR/nginx.out" 2>&1 8>&- 9>&- &
  echo $! >"$LB_PID"
  local i want; want=$(lb_file_generation)
  for ((i = 0; i < 50; i++)); do
    [[ $(lb_live_generation) == "$want" ]] && return 0
    pid_running "$LB_PID" || break
    sleep 0.1
  done
  tail -n 5 "$LB_DIR/error.log" >&2 || true
  die "nginx did not start on $LB_ADDR (log: $LB_DIR/error.log; port taken? ss -ltnp 'sport = :${LB_ADDR##*:}')"
}

ensure_lb() {
  mkdir -p "$LB_DIR/tmp"
  exec 8>"$LB_DIR/lb.lock"; flock -w 60 8 || die "gave up waiting for $LB_DIR/lb.lock"
  local conf_changed up_changed pid="" did=ok
  conf_changed=$(write_if_changed "$LB_CONF" "$(lb_nginx_conf)")
  up_changed=$(lb_render_upstream)
  pid=$(lb_pid) || true
  if [[ -z $pid ]]; then
    start_lb; did=started
  elif [[ -n $conf_changed$up_changed || $(lb_live_generation) != "$(lb_file_generation)" ]]; then
    lb_reload "$pid" || die "nginx reload failed (log: $LB_DIR/error.log)"; did=reloaded
  fi
  exec 8>&-
  local slot drained apps first=1
  for slot in $(app_slots); do
    drained=$(lb_drained_hosts "$slot" | paste -sd' '); apps=$(app_slot_names "$slot")
    summary "$( ((first)) && echo lb)" "$( ((first)) && echo "$did ")$(lb_slot_url "$slot") -> $(for h in "${STAGING_HOSTS[@]}"; do printf '%s ' "127.0.0.1:$(host_slot_app_port "$h" "$slot")"; done | sed 's/ $//')${apps:+ ($apps)}${drained:+; drained: $drained}"
    first=0
  done
}

stop_lb() {
  local pid
  if pid=$(lb_pid); then
    log "lb: stopping nginx pid $pid"
    # QUIT: graceful, in-flight requests finish.
    kill -QUIT "$pid" 2>/dev/null || true
    local i; for ((i = 0; i < 100; i++)); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -0 "$pid" 2>/dev/null && stop_pid "$pid" nginx 5
  fi
  rm -f "$LB_PID" "$LB_CONTROL"
}
