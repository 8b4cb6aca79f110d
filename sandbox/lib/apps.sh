# shellcheck shell=bash
# The apps the sandbox serves. An app is described by a profile file (JSON, written by the pipeline and passed as
# `up.sh --app FILE`): its name, slot, port, env, ECS names and the services it needs (see sandbox/README.md,
# "Apps"). Each provisioned app is kept under $STATE/apps/<name>/ (app.json: the profile as given, its sha and its
# slot), so a later up.sh without --app still serves it and lists it in sandbox.json. Nothing here knows any
# particular app. Sourced by up.sh and staging/lb.sh (through staging.sh).

# shellcheck disable=SC2153  # STATE comes from common.sh
APPS_DIR="$STATE/apps"
# name -> slot for apps with "slot": null; apps with an explicit slot are never recorded here.
APPS_SLOTS="$APPS_DIR/slots.json"
APP_MAX_SLOT=99
APP_READY_WAIT_S=${APP_READY_WAIT_S:-90}

app_dir() { echo "$APPS_DIR/$1"; }
app_record() { echo "$APPS_DIR/$1/app.json"; }
# Every recorded app, one a line sorted by name: name TAB slot TAB envFileName. One jq reads all records: a test
# suite or a long-lived machine records dozens of apps, and a process per app and field made each up.sh slow.
app_table() {
  local files=("$APPS_DIR"/*/app.json)
  [[ -r ${files[0]} ]] || return 0
  jq -r '[.name, .slot, (.profile.envFileName // "")] | @tsv' "${files[@]}" | sort
}
# Names of the recorded apps, one a line, sorted.
app_names() { app_table | cut -f1; }
app_known() { [[ -r $(app_record "$1") ]]; }
# One field of a recorded app's profile (jq path), e.g. app_get app2 .appPort
app_get() { jq -r "$2" "$(app_record "$1")"; }
app_slot() { jq -r .slot "$(app_record "$1")"; }
# The slots the load balancer serves: 0 always (127.0.0.1:8080 as before apps existed), plus every recorded app's.
app_slots() { { echo 0; app_table | cut -f2; } | sort -nu; }
# The apps recorded on slot $1, space-separated.
app_slot_names() { app_table | awk -F'\t' -v s="$1" '$2 == s { printf "%s%s", sep, $1; sep = " " }'; }

# Where slot k lives: the load balancer on 127.0.0.1:(8080+k), host n's app port 3000 + 100k + n.
slot_lb_port() { echo $((8080 + $1)); }
slot_app_port() { echo $((3000 + 100 * $1 + $2)); }

# Every field is checked here, so a bad profile stops up.sh before it changes anything. Prints one message a
# line naming the field; nothing when the profile is good.
# shellcheck disable=SC2016  # a jq program: its $names are jq's
APP_PROFILE_CHECK='
def str: type == "string";
def nonempty: str and length > 0;
def port: type == "number" and . == floor and . >= 1 and . <= 65535;
def argv: type == "array" and length > 0 and all(.[]; nonempty);
def envobj($where):
  if type != "object" then "\($where): must be an object of NAME: \"value\" strings"
  else to_entries[] |
    if (.key | test("^[A-Za-z_][A-Za-z0-9_]*$") | not) then "\($where).\(.key): not a valid variable name ([A-Za-z_][A-Za-z0-9_]*)"
    elif (.value | str | not) then "\($where).\(.key): the value must be a string"
    elif (.value | test("[\n\r\u0000]")) then "\($where).\(.key): the value must be one line (an env file cannot hold a newline)"
    else empty end
  end;
def ecsname: str and test("^[A-Za-z0-9_-]{1,255}$");
if type != "object" then "the profile must be a JSON object" else
  (if (.name | str and test("^[a-z0-9][a-z0-9_.-]*$") and length <= 63) | not
     then "name: must match [a-z0-9][a-z0-9_.-]* and have at most 63 characters (got \(.name | tojson))" else empty end),
  (if .slot == null or (.slot | type == "number" and . == floor and . >= 0 and . <= $max) then empty
     else "slot: must be null (the sandbox picks one) or an integer 0..\($max) (got \(.slot | tojson))" end),
  (if .appPort | port then empty else "appPort: must be an integer 1..65535 (got \(.appPort | tojson))" end),
  (if .healthPath | str and test("^/[^ \t\r\n]*$") then empty else "healthPath: must be a path starting with / and without spaces (got \(.healthPath | tojson))" end),
  (if .baseImage | nonempty then empty else "baseImage: must be a non-empty image reference (got \(.baseImage | tojson))" end),
  (if .envFileName | str and test("^[A-Za-z0-9][A-Za-z0-9_.-]{0,254}$") then empty
     else "envFileName: must be a plain file name ([A-Za-z0-9][A-Za-z0-9_.-]*, no slash; got \(.envFileName | tojson))" end),
  (.env | envobj("env")),
  (if .ecs == null then empty elif .ecs | type != "object" then "ecs: must be null (no ECS service) or an object {service, family, container}"
   else (.ecs | (if .service | ecsname then empty else "ecs.service: 1-255 letters, digits, - or _ (got \(.service | tojson))" end),
                (if .family | ecsname then empty else "ecs.family: 1-255 letters, digits, - or _ (got \(.family | tojson))" end),
                (if .container | ecsname then empty else "ecs.container: 1-255 letters, digits, - or _ (got \(.container | tojson))" end)) end),
  (if .services | type != "array" then "services: must be an array (may be empty)"
   else
     (.services | map(.name) | group_by(.) | map(select(length > 1) | .[0]) | .[] | "services: the name \(tojson) is used twice"),
     (.services | to_entries[] | .key as $i | .value as $s | "services[\($i)]" as $w |
       if $s | type != "object" then "\($w): must be an object"
       else
         (if $s.name | str and test("^[a-z0-9][a-z0-9_.-]*$") and length <= 63 then empty
            else "\($w).name: must match [a-z0-9][a-z0-9_.-]* and have at most 63 characters (got \($s.name | tojson))" end),
         (if $s.image | nonempty then empty else "\($w).image: must be a non-empty image reference" end),
         (if $s.port | port then empty else "\($w).port: must be an integer 1..65535 (got \($s.port | tojson))" end),
         (if $s.env == null then empty else ($s.env | envobj("\($w).env")) end),
         (if $s.ready == null or ($s.ready | argv) then empty
            else "\($w).ready: must be null or a non-empty array of non-empty strings (an argv run with docker exec)" end),
         (if $s.schema == null then empty
          elif $s.schema | type != "object" then "\($w).schema: must be null or an object {file, import}"
          else
            (if $s.schema.file | str and startswith("/") then empty else "\($w).schema.file: must be an absolute path (got \($s.schema.file | tojson))" end),
            (if $s.schema.import | argv then
               (if any($s.schema.import[]; contains("{file}")) then empty
                else "\($w).schema.import: no argument contains {file}, where the schema file goes" end)
             else "\($w).schema.import: must be a non-empty array of non-empty strings (an argv run with docker exec)" end)
          end)
       end)
   end)
end'

# Validates the profile file and sets APP_NAME, APP_PROFILE (the compact JSON) and APP_PROFILE_SHA.
load_app_profile() {
  local file="$1" errors
  [[ -r $file ]] || die "--app: cannot read the profile file $file"
  jq -e . "$file" >/dev/null 2>&1 || die "--app: $file is not valid JSON ($(jq . "$file" 2>&1 >/dev/null | head -n 1))"
  errors=$(jq -r --argjson max "$APP_MAX_SLOT" "$APP_PROFILE_CHECK" "$file" 2>&1) \
    || die "--app: could not check $file: $errors"
  [[ -z $errors ]] || die "--app: the profile $file is not valid:"$'\n'"  ${errors//$'\n'/$'\n'  }"
  APP_PROFILE=$(jq -c . "$file")
  APP_NAME=$(jq -r .name <<<"$APP_PROFILE")
  # shellcheck disable=SC2034  # up.sh's, for up.json
  APP_PROFILE_SHA=$(sha256sum <"$file" | cut -d' ' -f1)
  local f
  while IFS= read -r f; do
    [[ -z $f || -r $f ]] || die "--app: $APP_NAME's schema file $f (services[].schema.file) does not exist or is not readable"
  done < <(jq -r '.services[] | .schema.file // empty' <<<"$APP_PROFILE")
}

# The app's slot: the profile's own when it names one (not recorded: the pipeline's throwaway apps share slot 0 on
# purpose), else the one recorded for this name, else the lowest slot >= 1 nobody has recorded, recorded now.
# The caller holds up.lock, so two up.sh never hand out the same slot.
assign_app_slot() {
  local name="$1" profile="$2" slot slots="{}"
  slot=$(jq -r '.slot // empty' <<<"$profile")
  if [[ -n $slot ]]; then echo "$slot"; return; fi
  mkdir -p "$APPS_DIR"
  [[ -r $APPS_SLOTS ]] && slots=$(jq -c 'if type == "object" then . else {} end' "$APPS_SLOTS" 2>/dev/null || echo '{}')
  slot=$(jq -r --arg n "$name" '.[$n] // empty' <<<"$slots")
  if [[ -z $slot ]]; then
    slot=$(jq -r --argjson max "$APP_MAX_SLOT" '[.[]] as $used | first(range(1; $max + 1) | select(. as $s | $used | index($s) | not)) // empty' <<<"$slots")
    [[ -n $slot ]] || die "no free slot left for $name (1..$APP_MAX_SLOT are recorded in $APPS_SLOTS); remove apps you no longer need from it"
    jq --arg n "$name" --argjson s "$slot" '. + {($n): $s}' <<<"$slots" >"$APPS_SLOTS.tmp" && mv "$APPS_SLOTS.tmp" "$APPS_SLOTS"
  fi
  echo "$slot"
}

# Records the app (profile, its sha, the slot), atomically; the load balancer and sandbox.json read this.
record_app() {
  local name="$1" profile="$2" sha="$3" slot="$4" dir; dir=$(app_dir "$name")
  mkdir -p "$dir"
  jq -n --argjson p "$profile" --arg sha "$sha" --argjson slot "$slot" \
    '{name: $p.name, slot: $slot, profileSha: $sha, profile: $p}' >"$dir/app.json.tmp"
  mv "$dir/app.json.tmp" "$dir/app.json"
}

# The docker command that reaches the engine a service runs on, set by the caller: (docker) for the main engine,
# (host_docker staging-1) for a staging host.
APP_DOCKER=(docker)

# Runs the service's ready argv (docker exec) until it exits 0. $1 = container, $2 = what to call it in the
# error, $3 = the logs command, $4 = the ready argv as JSON (null: no probe).
wait_service_ready() {
  local container="$1" what="$2" logs="$3" ready="$4" argv i last
  [[ $ready == null ]] && return 0
  mapfile -t argv < <(jq -r '.[]' <<<"$ready")
  for ((i = 0; i < APP_READY_WAIT_S * 4; i++)); do
    last=$("${APP_DOCKER[@]}" exec "$container" "${argv[@]}" 2>&1) && return 0
    sleep 0.25
  done
  die "$what was not ready within ${APP_READY_WAIT_S}s ($(jq -r 'map(@sh) | join(" ")' <<<"$ready") still fails, last saying: $(tail -n 3 <<<"$last"); logs: $logs)"
}

# Copies the schema file into the container and runs the import argv with {file} replaced by where it went.
# Without a ready probe the import itself is retried until it succeeds within the timeout.
# $1 = container, $2 = what, $3 = logs command, $4 = the service's profile entry (JSON), $5 = app name.
import_service_schema() {
  local container="$1" what="$2" logs="$3" service="$4" app="$5" file target argv i log
  file=$(jq -r .schema.file <<<"$service")
  target="/tmp/sandbox-schema-$app$( [[ $file == *.* ]] && echo ".${file##*.}")"
  mapfile -t argv < <(jq -r --arg t "$target" '.schema.import[] | gsub("\\{file\\}"; $t)' <<<"$service")
  log="$LOG_DIR/schema-$app-${container}.log"; mkdir -p "$LOG_DIR"
  "${APP_DOCKER[@]}" cp "$file" "$container:$target" >"$log" 2>&1 || { log_tail "$log"; die "$what: could not copy $file into the container (logs: $logs)"; }
  local tries=1
  [[ $(jq -c .ready <<<"$service") == null ]] && tries=$((APP_READY_WAIT_S * 2))
  for ((i = 1; i <= tries; i++)); do
    "${APP_DOCKER[@]}" exec "$container" "${argv[@]}" >"$log" 2>&1 && return 0
    ((i < tries)) && sleep 0.5
  done
  log_tail "$log"
  die "$what: importing $file failed ($(printf '%q ' "${argv[@]}")exited non-zero; output: $log; logs: $logs)"
}

# Where a service image keeps its data, for a named volume (<service>-data) that outlives the container: known for
# the fixture images; any other image keeps what its own VOLUMEs declare (anonymous volumes).
service_data_dir() {
  case "$1" in
    "$(fixture_image mysql)") echo /var/lib/mysql ;;
    "$(fixture_image redis)") echo /var/lib/redis ;;
    "$(fixture_image postgres)") echo /var/lib/postgresql/data ;;
  esac
}

# The "apps" object of sandbox.json: every recorded app, what the pipeline needs to deploy it and drive its LB.
# One jq over all records (see app_table). App names are checked against [a-z0-9][a-z0-9_.-]*, so the LB commands
# need no quoting for them.
apps_sandbox_json() {
  local files=("$APPS_DIR"/*/app.json) hosts host
  [[ -r ${files[0]} ]] || { echo '{}'; return 0; }
  hosts=$(for host in "${STAGING_HOSTS[@]}"; do printf '%s\t%s\t%s\n' "$host" "$(host_n "$host")" "$(host_home "$host")"; done |
    jq -cRn '[inputs | split("\t") | {name: .[0], n: (.[1] | tonumber), home: .[2]}]')
  jq -cn --argjson hosts "$hosts" --arg c "$(lb_command)" --arg cluster "$ECS_CLUSTER" '
    [inputs] | sort_by(.name) | map(. as $r | ($r.profile.envFileName // "" | if . == "" then "sample-app.env" else . end) as $env
      | ($c + " --app " + $r.name) as $cmd
      | {key: $r.name, value: {
          slot: $r.slot, loadBalancer: "http://127.0.0.1:\(8080 + $r.slot)",
          hosts: [$hosts[] | {name, appPort: (3000 + 100 * $r.slot + .n), envFile: "\(.home)/\($env)"}],
          drainCommand: ($cmd + " drain {host}"), enableCommand: ($cmd + " enable {host}"), statusCommand: ($cmd + " status"),
          ecs: (if $r.profile.ecs == null then null else {cluster: $cluster, service: $r.profile.ecs.service,
                family: $r.profile.ecs.family, container: $r.profile.ecs.container} end)}}) | from_entries' "${files[@]}"
}
