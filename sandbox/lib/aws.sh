# shellcheck shell=bash
# The sandbox AWS endpoint (sandbox/AwsEndpoint, ECR now, ECS later) on 127.0.0.1:4566, and the key pair it
# accepts, kept as an AWS shared-credentials profile so `aws --profile sandbox` and AWSSDK can use it.

AWS_DIR="$STATE/aws"
AWS_BIN="$AWS_DIR/bin"
AWS_PID="$AWS_DIR/endpoint.pid"
AWS_LOG="$AWS_DIR/endpoint.log"
AWS_CREDENTIALS="$AWS_DIR/credentials"
AWS_CONFIG="$AWS_DIR/config"
AWS_ENDPOINT=http://127.0.0.1:4566
AWS_SANDBOX_REGION=us-east-1
AWS_ACCOUNT_ID=000000000000
AWS_PROFILE_NAME=sandbox
AWS_PROJECT="$SANDBOX_DIR/AwsEndpoint"
AWS_WAIT_S=30
# What GET / answers with: tells our endpoint apart from anything else on the port.
AWS_BANNER="sandbox AWS endpoint"

# N random characters from a tr class, without `tr </dev/urandom | head` (SIGPIPE under pipefail).
random_chars() {
  local n="$1" class="$2" out=""
  while ((${#out} < n)); do out+=$(head -c 512 /dev/urandom | tr -dc "$class"); done
  printf '%s' "${out:0:n}"
}

# Generated once, like the registry password; the secret only ever goes into the mode-600 file.
ensure_aws_credentials() {
  mkdir -p "$AWS_DIR"
  chmod 700 "$AWS_DIR"
  if [[ ! -s $AWS_CREDENTIALS ]]; then
    (umask 077
     printf '[%s]\naws_access_key_id = AKIA%s\naws_secret_access_key = %s\n' \
       "$AWS_PROFILE_NAME" "$(random_chars 16 'A-Z0-9')" "$(random_chars 40 'A-Za-z0-9/+')" >"$AWS_CREDENTIALS.tmp"
     mv "$AWS_CREDENTIALS.tmp" "$AWS_CREDENTIALS")
  fi
  chmod 600 "$AWS_CREDENTIALS"
  # endpoint_url is read by newer CLIs and SDKs (awscli >= 2.13); older ones ignore it and need --endpoint-url.
  printf '[profile %s]\nregion = %s\nendpoint_url = %s\n' "$AWS_PROFILE_NAME" "$AWS_SANDBOX_REGION" "$AWS_ENDPOINT" >"$AWS_CONFIG.tmp"
  if cmp -s "$AWS_CONFIG.tmp" "$AWS_CONFIG"; then rm -f "$AWS_CONFIG.tmp"; else mv "$AWS_CONFIG.tmp" "$AWS_CONFIG"; fi
}

# Content hash of the project's sources: rebuild only when they changed (keeps the second up.sh fast).
aws_source_hash() {
  (cd "$AWS_PROJECT" && find . \( -path ./bin -o -path ./obj \) -prune -o -type f -print0 | sort -z \
    | xargs -0 sha256sum | sha256sum | cut -c1-16)
}

# Prints "built" when it rebuilt, nothing when the binaries were current.
ensure_aws_build() {
  local hash stamp="$AWS_BIN/.source-hash" log="$AWS_DIR/build.log"
  hash=$(aws_source_hash)
  [[ -s "$AWS_BIN/AwsEndpoint.dll" && -r $stamp && $(<"$stamp") == "$hash" ]] && return 0
  command -v dotnet >/dev/null || die "dotnet not found: the AWS endpoint is built with the .NET SDK (10.0); install it and rerun"
  step_start "building the AWS endpoint" "log: $log" >&2
  run_logged "$log" env DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 dotnet build "$AWS_PROJECT/AwsEndpoint.csproj" -c Release -o "$AWS_BIN" \
    || die "build of sandbox/AwsEndpoint failed (log: $log)"
  echo "$hash" >"$stamp"
  step_end >&2
  echo built
}

aws_endpoint_status() {
  curl -s --max-time 2 "$AWS_ENDPOINT/" 2>/dev/null || true
}

start_aws_endpoint() {
  step_start "starting the AWS endpoint on $AWS_ENDPOINT" "log: $AWS_LOG"
  # setsid + closed stdio + 9>&- (up.sh's lock): the daemon outlives this script and holds none of its fds.
  setsid nohup dotnet "$AWS_BIN/AwsEndpoint.dll" --StateDir "$STATE" </dev/null >>"$AWS_LOG" 2>&1 9>&- &
  echo $! >"$AWS_PID"
  local i
  for ((i = 0; i < AWS_WAIT_S * 5; i++)); do
    [[ $(aws_endpoint_status) == "$AWS_BANNER"* ]] && break
    pid_running "$AWS_PID" || break
    sleep 0.2
  done
  if [[ $(aws_endpoint_status) != "$AWS_BANNER"* ]]; then
    log_tail "$AWS_LOG"
    local pid; pid=$(pid_alive "$AWS_PID" AwsEndpoint.dll) && stop_pid "$pid" aws-endpoint 5
    die "the AWS endpoint did not answer on $AWS_ENDPOINT within ${AWS_WAIT_S}s; read the log above (port 4566 taken? check: ss -ltnp 'sport = :4566')"
  fi
  step_end
}

ensure_aws_endpoint() {
  ensure_aws_credentials
  local built pid="" answer
  built=$(ensure_aws_build)
  pid=$(pid_alive "$AWS_PID" AwsEndpoint.dll) || true
  # New binaries only take effect after a restart.
  if [[ -n $pid && -n $built ]]; then
    log "AWS endpoint rebuilt, restarting pid $pid"
    stop_pid "$pid" aws-endpoint 10
    pid=""
  fi
  answer=$(aws_endpoint_status)
  if [[ -n $pid && $answer == "$AWS_BANNER"* ]]; then summary aws "ok ($AWS_ENDPOINT, pid $pid)"; return; fi
  # Ours but not answering (wedged, or port lost): a fresh start is the only way back.
  if [[ -n $pid ]]; then
    log "AWS endpoint pid $pid does not answer, restarting it"
    stop_pid "$pid" aws-endpoint 10
    answer=$(aws_endpoint_status)
  fi
  if [[ -z $pid && -n $answer ]]; then
    [[ $answer == "$AWS_BANNER"* ]] || die "something else answers on $AWS_ENDPOINT; stop it (ss -ltnp 'sport = :4566')"
    summary aws "ok ($AWS_ENDPOINT, not started by us)"; return
  fi
  start_aws_endpoint
  summary aws "${built:+built, }started ($AWS_ENDPOINT, pid $(<"$AWS_PID"))"
}

# The "aws" object of sandbox.json: where the endpoint is and which files hold its profile (never the key).
aws_sandbox_json() {
  jq -cn --arg e "$AWS_ENDPOINT" --arg r "$AWS_SANDBOX_REGION" --arg c "$AWS_CREDENTIALS" --arg f "$AWS_CONFIG" \
    --arg p "$AWS_PROFILE_NAME" --arg a "$AWS_ACCOUNT_ID" \
    '{endpoint: $e, region: $r, credentialsFile: $c, configFile: $f, profile: $p, accountId: $a}'
}
