# shellcheck shell=bash
# Two staging hosts on this one machine, staging-1 and staging-2, each as close to a separate box as we can
# get without VMs: its own sshd (own host key, own port), its own dockerd (own socket, data-root, exec-root,
# bridge, subnet, containerd), its own $HOME, and per app (apps.sh) the service containers that app needs, its
# schema and env file. The nginx load balancer in front of them (one block per app slot) lives in staging_lb.sh,
# their keys and sshd in staging_ssh.sh. Sourced by up.sh, down.sh and staging/lb.sh.

# shellcheck disable=SC2153  # STATE comes from common.sh
STAGING_DIR="$STATE/staging"
STAGING_KEY="$STAGING_DIR/id_ed25519"
STAGING_KNOWN_HOSTS="$STAGING_DIR/known_hosts"
STAGING_USER=root
STAGING_NETWORK=staging
STAGING_LABEL=pipeline.sandbox.staging
STAGING_HOSTS=(staging-1 staging-2)
# Like a private subnet behind a bastion: every host's sshd listens only inside this network namespace, which
# nothing on the machine reaches but the sessions of staging-1's sshd (the jump host, see staging_ssh.sh). The
# engines, the app ports and the load balancer stay where they are: a session's docker talks to its engine over a
# unix socket, which a network namespace does not hide.
STAGING_NETNS=pipeline-staging
STAGING_JUMP_HOST=staging-1
STAGING_ENGINE_WAIT_S=30
# Containers up.sh starts for an app's services also carry the app that first asked for them (informational:
# services are shared by name between apps).
APP_LABEL=pipeline.sandbox.app

# Per-host facts, all derived from the host's number n (staging-n), so adding staging-3 is one array entry.
# 10.213.0.0/16 is outside every default pool of the main engine (172.17-31.0.0/16, 192.168.0.0/16).
host_n()       { echo "${1##*-}"; }
host_dir()     { echo "$STAGING_DIR/$1"; }
host_ssh_port(){ echo $((2221 + $(host_n "$1"))); }
# The app port of slot 0 (3001, 3002); slot k's is slot_app_port k n (apps.sh).
host_app_port(){ echo $((3000 + $(host_n "$1"))); }
host_slot_app_port() { slot_app_port "$2" "$(host_n "$1")"; }
host_socket()  { echo "$(host_dir "$1")/docker.sock"; }
host_home()    { echo "$(host_dir "$1")/home"; }
# sandbox.json's top-level staging.hosts[].envFile keeps the slot-0 app's name for compatibility; apps.<name> has each app's.
host_env_file(){ echo "$(host_home "$1")/${2:-sample-app.env}"; }
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

# "name state id image imageId" of this host's sandbox containers: one Engine API call for all of them (keeps up.sh fast).
host_containers() {
  host_engine "$1" GET "/containers/json?all=1" -G --data-urlencode "filters={\"label\":[\"$STAGING_LABEL\"]}" \
    | jq -r '.[] | "\(.Names[0] | ltrimstr("/")) \(.State) \(.Id) \(.Image) \(.ImageID) \(.Labels["'"$APP_LABEL"'"] // "-")"'
}

# One service of an app on one host: a container named after the service, on the `staging` network with the
# service name as alias, shared with every other app that names the same service (and so the same image).
# Appends to APP_DID what it did.
ensure_host_service() {
  local host="$1" app="$2" service="$3" containers="$4" name image row state cimage cimage_id owner volume args=()
  name=$(jq -r .name <<<"$service"); image=$(jq -r .image <<<"$service")
  row=$(awk -v n="$name" '$1 == n' <<<"$containers")
  read -r _ state _ cimage cimage_id owner <<<"$row"
  if [[ -n $row && $cimage != "$image" ]]; then
    # The tag may have moved on since the container was made (a --rebuild): same image if the ids agree.
    local want_id; want_id=$(host_engine "$host" GET "/images/$image/json" 2>/dev/null | jq -r '.Id // empty' 2>/dev/null || true)
    [[ -n $want_id && $want_id == "$cimage_id" ]] \
      || die "$host: app $app wants its service '$name' from $image, but the container '$name' there runs $cimage (started for app ${owner/#-/unknown}); services are shared by name between apps, so give one of them another service name, or remove the old one (docker --host unix://$(host_socket "$host") rm -f $name) and rerun"
  fi
  case "$state" in
    running) return ;;
    "")
      host_pull "$host" "$image"
      volume=$(service_data_dir "$image")
      [[ -n $volume ]] && args+=(--volume "$name-data:$volume")
      mapfile -t -O "${#args[@]}" args < <(jq -r '(.env // {}) | to_entries[] | "--env", "\(.key)=\(.value)"' <<<"$service")
      host_docker "$host" run --detach --name "$name" --network "$STAGING_NETWORK" --network-alias "$name" \
        --restart unless-stopped --label "$STAGING_LABEL=$host" --label "$APP_LABEL=$app" "${args[@]}" \
        --log-driver json-file --log-opt max-size=10m --log-opt max-file=3 "$image" >/dev/null \
        || die "$host: could not start the $name container for app $app" ;;
    *) host_docker "$host" start "$name" >/dev/null || die "$host: could not start the $name container (was $state)" ;;
  esac
  APP_DID+=("$name started")
}

# Imported once per (app, service, container, schema content); again only if one of them changes. When anything
# on the host (re)started, wait for the service anyway: up.sh's "ready" means a deploy can start right away.
ensure_host_service_schema() {
  local host="$1" app="$2" service="$3" containers="$4" waited_for="$5" name marker id want logs what
  name=$(jq -r .name <<<"$service")
  what="$host: app $app's service $name"
  logs="docker --host unix://$(host_socket "$host") logs $name"
  # shellcheck disable=SC2034  # read by wait_service_ready and import_service_schema (apps.sh)
  APP_DOCKER=(host_docker "$host")
  if [[ $(jq -c .schema <<<"$service") == null ]]; then
    [[ -z $waited_for ]] || wait_service_ready "$name" "$what" "$logs" "$(jq -c .ready <<<"$service")"
    return
  fi
  marker="$(host_dir "$host")/schema/$app.$name.imported"
  id=$(awk -v n="$name" '$1 == n {print $3}' <<<"$containers")
  want="$id $(sha256sum <"$(jq -r .schema.file <<<"$service")" | cut -c1-16)"
  if [[ -r $marker && $(<"$marker") == "$want" ]]; then
    [[ -z $waited_for ]] || wait_service_ready "$name" "$what" "$logs" "$(jq -c .ready <<<"$service")"
    return
  fi
  wait_service_ready "$name" "$what" "$logs" "$(jq -c .ready <<<"$service")"
  import_service_schema "$name" "$what" "$logs" "$service" "$app"
  mkdir -p "$(dirname "$marker")"
  echo "$want" >"$marker"
  APP_DID+=("$name schema imported")
}

# Like the original's ~/awesome-project.env: what the app container gets with --env-file on this host, the
# profile's env verbatim. Mode 600; rewritten only when it changed.
ensure_host_env_file() {
  local host="$1" profile="$2" file changed
  file=$(host_env_file "$host" "$(jq -r .envFileName <<<"$profile")")
  changed=$(umask 077; write_if_changed "$file" "$(jq -r '.env | to_entries[] | "\(.key)=\(.value)"' <<<"$profile")")
  chmod 600 "$file"
  # shellcheck disable=SC2088  # a message: ~ is the host's home, as the deploy spells it
  [[ -z $changed ]] || APP_DID+=("~/${file##*/} written")
}

# An app's part of one host: its services (started, ready, schema imported) and env file.
ensure_staging_app() {
  local host="$1" profile="$2" slot="$3" app service services containers started=""
  app=$(jq -r .name <<<"$profile")
  mapfile -t services < <(jq -c '.services[]' <<<"$profile")
  APP_DID=()
  containers=$(host_containers "$host")
  for service in "${services[@]}"; do ensure_host_service "$host" "$app" "$service" "$containers"; done
  ((${#APP_DID[@]} == 0)) || { containers=$(host_containers "$host"); started=1; }
  # The host's engine (re)started in this run: its containers came back with it and may not be ready yet.
  ((${#STAGING_DID[@]} == 0)) || started=1
  for service in "${services[@]}"; do ensure_host_service_schema "$host" "$app" "$service" "$containers" "$started"; done
  ensure_host_env_file "$host" "$profile"
  local text=ok names
  names=$(jq -r '[.services[].name] | if length == 0 then "no services" else join("+") + " running" end' <<<"$profile")
  if ((${#APP_DID[@]})); then text=$(printf '%s, ' "${APP_DID[@]}"); text=${text%, }; fi
  summary "$host" "$app: $text (app port $(host_slot_app_port "$host" "$slot"), $names, ~/$(jq -r .envFileName <<<"$profile"))"
}

# ---------------------------------------------------------------- up / down / json -----------------------
# Each step appends what it changed to STAGING_DID, for the host's summary line.
ensure_staging_host() {
  local host="$1"
  STAGING_DID=()
  ensure_host_engine "$host"
  ensure_forward_rule "$host"
  ensure_host_network "$host"
  ensure_host_sshd "$host"
  local did=ok detail
  detail="ssh 127.0.0.1:$(host_ssh_port "$host") in $STAGING_NETNS (through $STAGING_JUMP_HOST), engine unix://$(host_socket "$host")"
  if ((${#STAGING_DID[@]})); then did=$(printf '%s, ' "${STAGING_DID[@]}"); did=${did%, }; fi
  summary "$host" "$did ($detail)"
}

# $1, $2: the app to provision too (its profile JSON and slot), or nothing for the hosts alone.
ensure_staging() {
  local profile="${1:-}" slot="${2:-}" host
  ensure_staging_keys
  ensure_staging_netns
  for host in "${STAGING_HOSTS[@]}"; do
    ensure_staging_host "$host"
    [[ -z $profile ]] || ensure_staging_app "$host" "$profile" "$slot"
  done
  ensure_jump_listener
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
  stop_jump_listener
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
  ((purge)) && remove_staging_netns
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
    --arg kh "$STAGING_KNOWN_HOSTS" --arg lb "$LB_URL" --arg c "$(lb_command)" \
    --arg jump "$STAGING_USER@127.0.0.1:$(host_ssh_port "$STAGING_JUMP_HOST")" '
    [inputs | split("\t") | {name: .[0], address: "127.0.0.1", port: (.[1] | tonumber), user: $u,
      appPort: (.[2] | tonumber), dockerHost: .[3], envFile: .[4], home: .[5], network: $net}] as $hosts
    | {hosts: $hosts, jump: $jump, identityFile: $k, knownHosts: $kh, loadBalancer: $lb,
       drainCommand: ($c + " drain {host}"), enableCommand: ($c + " enable {host}"), statusCommand: ($c + " status"),
       lbCommand: $c}'
}

# shellcheck source=apps.sh
source "$SANDBOX_DIR/lib/apps.sh"
# shellcheck source=staging_ssh.sh
source "$SANDBOX_DIR/lib/staging_ssh.sh"
# shellcheck source=staging_lb.sh
source "$SANDBOX_DIR/lib/staging_lb.sh"
