# shellcheck shell=bash
# Two staging hosts on this one machine, staging-1 and staging-2, each as close to a separate box as we can
# get without VMs: its own sshd (own host key, own port), its own dockerd (own socket, data-root, exec-root,
# bridge, subnet, containerd), its own MySQL and Redis containers, its own $HOME. The nginx load balancer in
# front of them lives in staging_lb.sh, their keys and sshd in staging_ssh.sh. Sourced by up.sh, down.sh and staging/lb.sh.

# shellcheck disable=SC2153  # STATE comes from common.sh
STAGING_DIR="$STATE/staging"
STAGING_KEY="$STAGING_DIR/id_ed25519"
STAGING_KNOWN_HOSTS="$STAGING_DIR/known_hosts"
STAGING_USER=root
STAGING_NETWORK=staging
STAGING_LABEL=pipeline.sandbox.staging
STAGING_HOSTS=(staging-1 staging-2)
STAGING_ENGINE_WAIT_S=30
STAGING_MYSQL_WAIT_S=90
STAGING_SCHEMA="$SANDBOX_DIR/../docker/database.sql"

# Per-host facts, all derived from the host's number n (staging-n), so adding staging-3 is one array entry.
# 10.213.0.0/16 is outside every default pool of the main engine (172.17-31.0.0/16, 192.168.0.0/16).
host_n()       { echo "${1##*-}"; }
host_dir()     { echo "$STAGING_DIR/$1"; }
host_ssh_port(){ echo $((2221 + $(host_n "$1"))); }
host_app_port(){ echo $((3000 + $(host_n "$1"))); }
host_socket()  { echo "$(host_dir "$1")/docker.sock"; }
host_home()    { echo "$(host_dir "$1")/home"; }
host_env_file(){ echo "$(host_home "$1")/sample-app.env"; }
host_subnet()  { echo "10.213.$(host_n "$1").0/24"; }
host_default_bridge() { echo "sbxd-$1"; }   # the engine's default bridge, never used by containers
host_bridge()  { echo "sbx-$1"; }   # the `staging` network's bridge; IFNAMSIZ allows 15 characters

staging_host_known() { local h; for h in "${STAGING_HOSTS[@]}"; do [[ $h == "$1" ]] && return 0; done; return 1; }

# Engine API of one host's dockerd (the main engine's `engine` is untouched by any of this).
host_engine() {
  local host="$1" method="$2" path="$3"; shift 3
  curl -sS --max-time "${ENGINE_TIMEOUT:-10}" --unix-socket "$(host_socket "$host")" \
    -X "$method" "$@" "http://localhost/$ENGINE_API$path"
}
host_engine_ping() {
  [[ $(curl -s --max-time 2 --unix-socket "$(host_socket "$1")" http://localhost/_ping 2>/dev/null || true) == OK ]]
}
host_docker() { local host="$1"; shift; docker --host "unix://$(host_socket "$host")" "$@"; }

# Writes $2 to $1 only when it differs (atomic rename); prints "changed" when it wrote.
write_if_changed() {
  local file="$1" content="$2"
  [[ -r $file && $(<"$file") == "$content" ]] && return 0
  printf '%s\n' "$content" >"$file.tmp" && mv "$file.tmp" "$file"
  echo changed
}

# ---------------------------------------------------------------- engines --------------------------------
# --bridge: the main engine owns docker0; ours get a default bridge of their own (ensure_default_bridge).
# --iptables=false, --ip-masq=false, --ip-forward=false: two engines rewriting the same DOCKER chains would
# fight; published ports still work through docker-proxy (userland proxy) on 127.0.0.1.
# No --default-address-pool: a dockerd started with one (and without --live-restore) deletes the kernel's docker0
# on every restart, whatever its own bridge is called (moby's "clear stale bridge network"), which cuts the main
# engine's containers off. The `staging` network has an explicit subnet, so the pool was never used.
host_engine_args() {
  local host="$1" dir; dir=$(host_dir "$host")
  printf '%s\n' --host "unix://$(host_socket "$host")" --data-root "$dir/data" --exec-root "$dir/exec" \
    --pidfile "$dir/exec/dockerd.pid" --bridge="$(host_default_bridge "$host")" --iptables=false --ip-masq=false --ip-forward=false \
    --cgroup-parent "/pipeline-sandbox-$host"
}

# br_netfilter is loaded here and the main engine set FORWARD's policy to DROP, so container-to-container
# traffic on our bridge (app -> mysql) is dropped unless accepted. One rule per host, matching only its bridge.
host_forward_rule() { local b; b=$(host_bridge "$1"); echo "FORWARD -i $b -o $b -m comment --comment pipeline-sandbox-$1 -j ACCEPT"; }
ensure_forward_rule() {
  command -v iptables >/dev/null || return 0
  # shellcheck disable=SC2046  # the rule is a fixed word list
  iptables -C $(host_forward_rule "$1") 2>/dev/null || iptables -I $(host_forward_rule "$1") \
    || die "could not add the iptables FORWARD rule for $1's bridge"
}
remove_forward_rule() {
  command -v iptables >/dev/null || return 0
  # shellcheck disable=SC2046
  while iptables -C $(host_forward_rule "$1") 2>/dev/null; do iptables -D $(host_forward_rule "$1"); done
}

stop_host_engine() {
  local host="$1" dir pid; dir=$(host_dir "$host")
  if pid=$(pid_alive "$dir/dockerd.pid" "$(host_socket "$host")"); then
    log "$host engine: stopping pid $pid (its containers stop with it and restart with it)"
    stop_pid "$pid" "$host dockerd" 40
  fi
  rm -f "$dir/dockerd.pid"
}

# A dockerd started with --bridge=none deletes the kernel's docker0 on start-up (moby's
# removeDefaultBridgeInterface), which would cut the main engine's containers off. So each host engine gets a
# default bridge of its own, made here, on a subnet of 10.213.0.0/16 that nothing else uses.
ensure_default_bridge() {
  local b; b=$(host_default_bridge "$1")
  if ! ip link show "$b" >/dev/null 2>&1; then
    ip link add "$b" type bridge && ip addr add "10.213.$((100 + $(host_n "$1"))).1/24" dev "$b" \
      || die "could not create the bridge $b for $1's engine"
  fi
  ip link set "$b" up
}

ensure_host_engine() {
  local host="$1" dir args; dir=$(host_dir "$host")
  ensure_default_bridge "$host"
  args=$(host_engine_args "$host")
  # containerd's sockets live under the exec-root; unix socket paths stop at 107 bytes.
  ((${#dir} + 45 <= 107)) || die "state dir path too long for $host's engine sockets ($dir); use a shorter PIPELINE_SANDBOX_DIR"
  local pid=""; pid=$(pid_alive "$dir/dockerd.pid" "$(host_socket "$host")") || true
  if [[ -n $pid && $(cat "$dir/dockerd.args" 2>/dev/null) != "$args" ]]; then
    log "$host engine: flags changed, restarting"; stop_host_engine "$host"; pid=""
  fi
  if [[ -n $pid ]] && host_engine_ping "$host"; then return; fi
  if [[ -z $pid ]]; then
    # A socket or pid file left by a killed daemon would make the new one refuse to start.
    rm -f "$(host_socket "$host")" "$dir/exec/dockerd.pid"
    mkdir -p "$dir/data" "$dir/exec"
    printf '%s\n' "$args" >"$dir/dockerd.args"
    local argv; mapfile -t argv <<<"$args"
    setsid nohup dockerd "${argv[@]}" </dev/null >>"$dir/dockerd.log" 2>&1 9>&- &
    echo $! >"$dir/dockerd.pid"
  fi
  local i
  for ((i = 0; i < STAGING_ENGINE_WAIT_S * 5; i++)); do
    host_engine_ping "$host" && { STAGING_DID+=("engine started"); return; }
    pid_running "$dir/dockerd.pid" || break
    sleep 0.2
  done
  log_tail "$dir/dockerd.log"
  stop_host_engine "$host"
  die "$host's dockerd did not answer on $(host_socket "$host") (log above: $dir/dockerd.log)"
}

# ---------------------------------------------------------------- services -------------------------------
host_pull() {
  local host="$1" image="$2" out
  out="$LOG_DIR/pull-$1-$(image_repo "$2" | tr / -).log"
  [[ $(host_engine "$host" GET "/images/$image/json" -o /dev/null -w '%{http_code}' || true) == 200 ]] && return
  mkdir -p "$LOG_DIR"
  step_start "$host: pulling $image"
  # Credentials per request (X-Registry-Auth), never `docker login`: nothing lands in a config.json.
  ENGINE_TIMEOUT=600 host_engine "$host" POST "/images/create?fromImage=$REGISTRY_ADDR/$(image_repo "$image")&tag=$(image_tag "$image")" \
    -H @<(registry_auth_header) >"$out" || die "$host: pull of $image failed: its engine did not answer"
  engine_stream_ok "$out" || die "$host: pull of $image failed (log: $out)"
  step_end
}

ensure_host_network() {
  local host="$1"
  [[ $(host_engine "$host" GET "/networks/$STAGING_NETWORK" -o /dev/null -w '%{http_code}' || true) == 200 ]] && return
  host_docker "$host" network create --driver bridge --subnet "$(host_subnet "$host")" \
    --opt "com.docker.network.bridge.name=$(host_bridge "$host")" --label "$STAGING_LABEL=$host" \
    "$STAGING_NETWORK" >/dev/null || die "$host: could not create the docker network $STAGING_NETWORK"
}

# name image volume-mount: the long-lived dependencies of the app, like on the original staging box.
host_service_spec() {
  case "$1" in
    mysql) echo "$(fixture_image mysql) mysql-data:/var/lib/mysql" ;;
    redis) echo "$(fixture_image redis) redis-data:/var/lib/redis" ;;
  esac
}

# "name state id" of this host's sandbox containers: one Engine API call for all of them (keeps up.sh fast).
host_containers() {
  host_engine "$1" GET "/containers/json?all=1" -G --data-urlencode "filters={\"label\":[\"$STAGING_LABEL\"]}" \
    | jq -r '.[] | "\(.Names[0] | ltrimstr("/")) \(.State) \(.Id)"'
}

ensure_host_service() {
  local host="$1" name="$2" containers="$3" image volume state
  read -r image volume <<<"$(host_service_spec "$name")"
  state=$(awk -v n="$name" '$1 == n {print $2}' <<<"$containers")
  case "$state" in
    running) return ;;
    "")
      host_pull "$host" "$image"
      host_docker "$host" run --detach --name "$name" --network "$STAGING_NETWORK" --network-alias "$name" \
        --restart unless-stopped --label "$STAGING_LABEL=$host" --volume "$volume" \
        --log-driver json-file --log-opt max-size=10m --log-opt max-file=3 "$image" >/dev/null \
        || die "$host: could not start the $name container" ;;
    *) host_docker "$host" start "$name" >/dev/null || die "$host: could not start the $name container (was $state)" ;;
  esac
  STAGING_DID+=("$name started")
}

wait_host_mysql() {
  local host="$1" i
  for ((i = 0; i < STAGING_MYSQL_WAIT_S * 4; i++)); do
    host_docker "$host" exec mysql mariadb-admin ping --silent >/dev/null 2>&1 && return
    sleep 0.25
  done
  die "$host: mysql did not accept connections within ${STAGING_MYSQL_WAIT_S}s (docker --host unix://$(host_socket "$host") logs mysql)"
}

# Imported once per mysql container (and again only if database.sql changes; it is idempotent anyway).
# When anything (re)started, wait for mysql anyway: up.sh's "ready" means a deploy can start right away.
ensure_host_schema() {
  local host="$1" containers="$2" marker id want
  marker="$(host_dir "$host")/schema.imported"
  id=$(awk '$1 == "mysql" {print $3}' <<<"$containers")
  want="$id $(sha256sum <"$STAGING_SCHEMA" | cut -c1-16)"
  if [[ -r $marker && $(<"$marker") == "$want" ]]; then
    ((${#STAGING_DID[@]} == 0)) || wait_host_mysql "$host"
    return
  fi
  wait_host_mysql "$host"
  host_docker "$host" exec -i mysql mariadb <"$STAGING_SCHEMA" \
    || die "$host: importing docker/database.sql failed (mysql logs: docker --host unix://$(host_socket "$host") logs mysql)"
  echo "$want" >"$marker"
  STAGING_DID+=("schema imported")
}

# Like the original's ~/awesome-project.env: what the app container gets with --env-file on this host.
ensure_host_env_file() {
  local host="$1"
  write_if_changed "$(host_env_file "$host")" "# Written by sandbox/up.sh: the app's settings on $host (docker run --env-file).
NODE_ENV=staging
MYSQL_HOST=mysql
MYSQL_PORT=3306
MYSQL_USER=root
MYSQL_PASSWORD=
MYSQL_DATABASE=sample_app
REDIS_HOST=redis
REDIS_PORT=6379" >/dev/null
  chmod 600 "$(host_env_file "$host")"
}

# ---------------------------------------------------------------- up / down / json -----------------------
# Each step appends what it changed to STAGING_DID, for the host's summary line.
ensure_staging_host() {
  local host="$1" s
  STAGING_DID=()
  ensure_host_engine "$host"
  ensure_forward_rule "$host"
  ensure_host_network "$host"
  local containers; containers=$(host_containers "$host")
  for s in mysql redis; do ensure_host_service "$host" "$s" "$containers"; done
  ((${#STAGING_DID[@]} == 0)) || containers=$(host_containers "$host")
  ensure_host_schema "$host" "$containers"
  ensure_host_env_file "$host"
  ensure_host_sshd "$host"
  local did=ok detail
  detail="ssh 127.0.0.1:$(host_ssh_port "$host"), app port $(host_app_port "$host"), mysql+redis running"
  if ((${#STAGING_DID[@]})); then did=$(printf '%s, ' "${STAGING_DID[@]}"); did=${did%, }; fi
  summary "$host" "$did ($detail)"
}

ensure_staging() {
  ensure_staging_keys
  local host
  for host in "${STAGING_HOSTS[@]}"; do ensure_staging_host "$host"; done
  ensure_lb
}

# Unmounts whatever a killed dockerd left under the staging dir: rm -rf must never reach into a mount.
unmount_staging_leftovers() {
  local m
  while read -r m; do umount -l "$m" 2>/dev/null || warn "could not unmount $m"; done \
    < <(awk -v p="$STAGING_DIR/" 'index($5, p) == 1 {print $5}' /proc/self/mountinfo | sort -r)
  ! awk -v p="$STAGING_DIR/" 'index($5, p) == 1 {f=1} END {exit !f}' /proc/self/mountinfo
}

# $1 = 1 (down.sh --purge): also delete the hosts' bridges, which dockerd keeps across restarts.
stop_staging() {
  local purge="${1:-0}" host
  stop_lb
  for host in "${STAGING_HOSTS[@]}"; do
    stop_host_sshd "$host"
    stop_host_engine "$host"
    remove_forward_rule "$host"
    if ((purge)); then
      local bridge
      for bridge in "$(host_bridge "$host")" "$(host_default_bridge "$host")"; do
        ip link show "$bridge" >/dev/null 2>&1 && { ip link delete "$bridge" || warn "could not delete the bridge $bridge"; }
      done
    fi
  done
  [[ -d $STAGING_DIR ]] && { unmount_staging_leftovers || die "mounts remain under $STAGING_DIR; not deleting anything"; }
  log "staging: hosts and load balancer stopped"
}

# The "staging" object of sandbox.json: what the deploy code needs to reach and drive the hosts.
staging_sandbox_json() {
  local host
  for host in "${STAGING_HOSTS[@]}"; do
    printf '%s\t%s\t%s\t%s\t%s\t%s\n' "$host" "$(host_ssh_port "$host")" "$(host_app_port "$host")" \
      "unix://$(host_socket "$host")" "$(host_env_file "$host")" "$(host_home "$host")"
  done | jq -cRn --arg u "$STAGING_USER" --arg net "$STAGING_NETWORK" --arg k "$STAGING_KEY" \
    --arg kh "$STAGING_KNOWN_HOSTS" --arg lb "$LB_URL" --arg c "$(lb_command)" '
    [inputs | split("\t") | {name: .[0], address: "127.0.0.1", port: (.[1] | tonumber), user: $u,
      appPort: (.[2] | tonumber), dockerHost: .[3], envFile: .[4], home: .[5], network: $net}] as $hosts
    | {hosts: $hosts, identityFile: $k, knownHosts: $kh, loadBalancer: $lb,
       drainCommand: ($c + " drain {host}"), enableCommand: ($c + " enable {host}"), statusCommand: ($c + " status")}'
}

# shellcheck source=staging_ssh.sh
source "$SANDBOX_DIR/lib/staging_ssh.sh"
# shellcheck source=staging_lb.sh
source "$SANDBOX_DIR/lib/staging_lb.sh"
