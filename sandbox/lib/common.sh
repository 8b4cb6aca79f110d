# shellcheck shell=bash
# Shared by up.sh and down.sh: paths, logging, timing, pid files and the Engine API.
# Sourced, never run; the caller has already done `set -euo pipefail`.

STATE="${PIPELINE_SANDBOX_DIR:-$HOME/.pipeline-sandbox}"
# sandbox.json promises absolute paths, and daemons outlive the caller's working directory.
[[ $STATE == /* ]] || STATE="$PWD/$STATE"
LOG_DIR="$STATE/logs"
# The pipeline's build-context setting is called DOCKER_CONTEXT, which the docker CLI reads as the name of a docker
# context: a run with one set made every `docker exec` here fail with "context ... does not exist". The sandbox
# always talks to its engine by socket (DOCKER_HOST or the default), never through a named context.
unset DOCKER_CONTEXT
REGISTRY_ADDR=127.0.0.1:5000
REGISTRY_USER=pipeline
# The pipeline speaks API 1.41 (dockerd 20.10 on Debian 12); pin it so both see the same shapes.
ENGINE_API=v1.41

# The socket the docker CLI would use too, so `docker build` and our curl calls reach the same engine.
engine_socket() {
  case "${DOCKER_HOST:-}" in
    "") echo /var/run/docker.sock ;;
    unix://*) echo "${DOCKER_HOST#unix://}" ;;
    *) die "DOCKER_HOST=$DOCKER_HOST is not a unix socket; the sandbox needs one (unset it, or use unix:///path)" ;;
  esac
}

log()  { printf '[sandbox] %s\n' "$*"; }
warn() { printf '[sandbox] WARNING: %s\n' "$*" >&2; }
die()  { printf '[sandbox] ERROR: %s\n' "$*" >&2; exit 1; }

# Long steps print a start line and an end line with their duration, so a slow first run never looks hung.
step_start() { _step_label="$1"; _step_t0=$EPOCHREALTIME; log "$1${2:+ ($2)} ..."; }
step_end() {
  local dt; dt=$(awk -v a="$_step_t0" -v b="$EPOCHREALTIME" 'BEGIN{printf "%.1f", b-a}')
  log "$_step_label: done in ${dt}s${1:+ ($1)}"
}

# A long step's output goes to its log, not the terminal: on a first run apt-get, debootstrap and docker build print
# hundreds of lines ("Reading database ... 45%") that bury the step lines. On failure the log's last lines show why.
# 9>&-: fd 9 is up.sh's lock, and a build server a step leaves running (dotnet's) would otherwise hold it forever.
run_logged() {
  local log="$1" rc=0; shift
  mkdir -p "$(dirname "$log")"
  "$@" </dev/null >"$log" 2>&1 9>&- || rc=$?
  ((rc == 0)) || log_tail "$log"
  return "$rc"
}
log_tail() {
  printf '[sandbox] --- last 30 lines of %s ---\n' "$1" >&2
  tail -n 30 "$1" >&2 || true
}

SUMMARY=()
summary() { SUMMARY+=("$(printf '%-10s %s' "$1" "$2")"); }
print_summary() { local l; log "summary:"; for l in "${SUMMARY[@]}"; do printf '  %s\n' "$l"; done; }

# A pid file only counts if its process is alive AND is the program we expect: pids get reused.
pid_alive() {
  local file="$1" prog="$2" pid
  [[ -r "$file" ]] || return 1
  pid=$(<"$file")
  [[ "$pid" =~ ^[0-9]+$ ]] || return 1
  local cmdline
  # No pipe into grep -q: under pipefail its early exit turns tr's SIGPIPE into a false "not running".
  cmdline=$(tr '\0' ' ' 2>/dev/null <"/proc/$pid/cmdline") || return 1
  [[ $cmdline == *"$prog"* ]] || return 1
  echo "$pid"
}

# For the wait right after we started a daemon: its pid may still be the forked shell that has not yet
# exec'd the program, so pid_alive's name check would call a healthy start a crash. Alive is enough here.
pid_running() {
  [[ -r "$1" ]] || return 1
  local pid; pid=$(<"$1")
  [[ "$pid" =~ ^[0-9]+$ ]] && kill -0 "$pid" 2>/dev/null
}

# Sends TERM, waits, then KILLs; a daemon that ignores TERM must not make down.sh hang forever.
stop_pid() {
  local pid="$1" name="$2" wait_s="${3:-20}" i
  kill -TERM "$pid" 2>/dev/null || return 0
  for ((i = 0; i < wait_s * 5; i++)); do
    kill -0 "$pid" 2>/dev/null || return 0
    sleep 0.2
  done
  warn "$name (pid $pid) ignored SIGTERM for ${wait_s}s, sending SIGKILL"
  kill -KILL "$pid" 2>/dev/null || true
}

# Engine API over the unix socket. Every call has a timeout: a wedged daemon must fail, not hang.
engine() {
  local method="$1" path="$2"; shift 2
  curl -sS --max-time "${ENGINE_TIMEOUT:-10}" --unix-socket "$(engine_socket)" \
    -X "$method" "$@" "http://localhost/$ENGINE_API$path"
}

engine_ping() {
  local answer; answer=$(curl -s --max-time 2 --unix-socket "$(engine_socket)" http://localhost/_ping 2>/dev/null || true)
  [[ $answer == OK ]]
}

registry_password() { cat "$STATE/registry/password"; }

# curl reads the credentials from a process substitution (printf is a builtin), so the
# password never shows up in any process's argv (ps) nor in a file outside the state dir.
registry_curl() {
  curl -s --max-time 10 -K <(printf 'user = "%s:%s"\n' "$REGISTRY_USER" "$(registry_password)") "$@"
}

# X-Registry-Auth for the Engine API: base64url of the JSON auth config (what `docker login` would store).
registry_auth_header() {
  local json
  json=$(jq -cn --arg u "$REGISTRY_USER" --rawfile p "$STATE/registry/password" --arg s "$REGISTRY_ADDR" \
    '{username: $u, password: ($p | rtrimstr("\n")), serveraddress: $s}')
  printf 'X-Registry-Auth: %s\n' "$(printf '%s' "$json" | base64 -w0 | tr '+/' '-_')"
}

# set -e alone exits silently; say where it happened. BASH_COMMAND is the unexpanded source text,
# so no secret value can appear in this message.
set -E
trap 'printf "[sandbox] ERROR: unexpected failure (exit %s) at %s:%s: %s\n" "$?" "${BASH_SOURCE[0]##*/}" "$LINENO" "$BASH_COMMAND" >&2' ERR
