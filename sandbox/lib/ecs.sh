# shellcheck shell=bash
# ECS in the sandbox endpoint: cluster "sandbox" and, per app (apps.sh), its service (2 tasks, circuit breaker with
# rollback) and the "production" dependencies its tasks talk to: the app's services as containers on the main
# engine (sbx-production-<service>), on the Docker network the endpoint puts the cluster's tasks on
# (ecs-<cluster>), alias the service name, shared by name between apps. An app's first task definition runs a
# placeholder image; DeployProduction registers revisions with the real one.
# Sourced by up.sh after the AWS endpoint and the fixture images are up.

# shellcheck disable=SC2153  # STATE, AWS_* and REGISTRY_ADDR come from common.sh and aws.sh
ECS_DIR="$STATE/ecs"
ECS_CLUSTER=sandbox
ECS_DESIRED=2
# The endpoint's convention (AwsEndpoint/Ecs/EcsSettings.NetworkName): a cluster's tasks join network ecs-<cluster>.
ECS_NETWORK="ecs-$ECS_CLUSTER"
ECS_DEPS_LABEL=pipeline.sandbox.production
ECS_PLACEHOLDER_REPO="$REGISTRY_ADDR/sandbox/app-placeholder"
ECS_STEADY_WAIT_S=120
ECS_TARGET=AmazonEC2ContainerServiceV20141113
# sandbox.json's top-level "ecs" object keeps naming the slot-0 sample app's service, as before apps existed;
# apps.<name>.ecs names each app's.
ECS_COMPAT_SERVICE=sample-app ECS_COMPAT_FAMILY=sample-app ECS_COMPAT_CONTAINER=app

# The placeholder's server: what an app's service runs until its first DeployProduction. Its argv names the app
# and its health path: it answers that path like a real app's health check (200 {"status":"ok"}), anything else
# with a line naming the app, listens on $PORT, and stops on SIGTERM.
ECS_PLACEHOLDER_JS="const http=require('http');const app=process.argv[1]||'app',health=process.argv[2]||'/healthcheck';const s=http.createServer((q,r)=>{if(q.url===health){r.writeHead(200,{'content-type':'application/json'});r.end(JSON.stringify({status:'ok',placeholder:true,app}))}else{r.writeHead(200,{'content-type':'text/plain'});r.end('sandbox placeholder for '+app+': deploy the real image with ./build.sh DeployProduction\\n')}});s.listen(Number(process.env.PORT||3000));process.on('SIGTERM',()=>s.close(()=>process.exit(0)));"
# The probe a node app's healthcheck.js makes, as a task-definition healthCheck (kept by every clone); %s: port, path.
ECS_HEALTH_JS="require('http').get({host:'127.0.0.1',port:Number(process.env.PORT||%s),path:'%s',timeout:3000},r=>process.exit(r.statusCode===200?0:1)).on('error',()=>process.exit(1))"

# curl signs with SigV4 itself (--aws-sigv4): one process per call keeps a second up.sh fast, where the aws CLI
# takes about a second to start. The key is read from the credentials file into curl's config on a pipe (never argv).
ecs_api() {
  local op="$1" body="$2" out code
  out=$(curl -sS --max-time 20 --aws-sigv4 "aws:amz:$AWS_SANDBOX_REGION:ecs" \
    -K <(awk -F' *= *' '/^\[/ {p = ($0 == "['"$AWS_PROFILE_NAME"']")} p && $1 == "aws_access_key_id" {k = $2}
                        p && $1 == "aws_secret_access_key" {s = $2} END {printf "user = \"%s:%s\"\n", k, s}' "$AWS_CREDENTIALS") \
    -H "Content-Type: application/x-amz-json-1.1" -H "X-Amz-Target: $ECS_TARGET.$op" \
    --data-binary "$body" -w '\n%{http_code}' "$AWS_ENDPOINT/") || die "ECS $op: the AWS endpoint on $AWS_ENDPOINT did not answer"
  code=${out##*$'\n'}
  out=${out%$'\n'*}
  printf '%s\n' "$out"
  [[ $code == 200 ]]
}

ecs_api_ok() {
  local out
  out=$(ecs_api "$1" "$2") || die "ECS $1 failed: $out"
  printf '%s\n' "$out"
}

# ---------------------------------------------------------------- production dependencies -------------------
ensure_ecs_network() {
  [[ $(engine GET "/networks/$ECS_NETWORK" -o /dev/null -w '%{http_code}' || true) == 200 ]] && return
  docker network create --driver bridge --label "$ECS_DEPS_LABEL=network" "$ECS_NETWORK" >/dev/null \
    || die "could not create the docker network $ECS_NETWORK"
  ECS_DID+=("network $ECS_NETWORK created")
}

# One service of an app: container sbx-production-<name>, alias <name>, shared by name like on the staging hosts.
ensure_ecs_dep() {
  local app="$1" service="$2" name image container info state cimage cimage_id owner volume args=()
  name=$(jq -r .name <<<"$service"); image=$(jq -r .image <<<"$service"); container="sbx-production-$name"
  info=$(engine GET "/containers/$container/json" 2>/dev/null || true)
  state=$(jq -r '.State.Status // empty' <<<"$info" 2>/dev/null || true)
  if [[ -n $state ]]; then
    cimage=$(jq -r .Config.Image <<<"$info"); cimage_id=$(jq -r .Image <<<"$info")
    owner=$(jq -r --arg l "$APP_LABEL" '.Config.Labels[$l] // "unknown"' <<<"$info")
    if [[ $cimage != "$image" ]]; then
      local want_id; want_id=$(engine GET "/images/$image/json" 2>/dev/null | jq -r '.Id // empty' 2>/dev/null || true)
      [[ -n $want_id && $want_id == "$cimage_id" ]] \
        || die "app $app wants its production service '$name' from $image, but $container runs $cimage (started for app $owner); services are shared by name between apps, so give one of them another service name, or remove the old one (docker rm -f $container) and rerun"
    fi
  fi
  case "$state" in
    running) return ;;
    "")
      ensure_local "$image"
      volume=$(service_data_dir "$image")
      [[ -n $volume ]] && args+=(--volume "$container-data:$volume")
      mapfile -t -O "${#args[@]}" args < <(jq -r '(.env // {}) | to_entries[] | "--env", "\(.key)=\(.value)"' <<<"$service")
      # pipeline.sandbox=true: down.sh removes it (the data stays in the named volume, if any).
      docker run --detach --name "$container" --network "$ECS_NETWORK" --network-alias "$name" --restart unless-stopped \
        --label pipeline.sandbox=true --label "$ECS_DEPS_LABEL=$name" --label "$APP_LABEL=$app" "${args[@]}" \
        --log-driver json-file --log-opt max-size=10m --log-opt max-file=3 "$image" >/dev/null \
        || die "could not start the production $name container ($container) for app $app" ;;
    *) docker start "$container" >/dev/null || die "could not start $container (was $state)" ;;
  esac
  APP_DID+=("$name started")
}

# Imported once per (app, service, container, schema content); again only if one of them changes.
ensure_ecs_dep_schema() {
  local app="$1" service="$2" started="$3" name container marker id want what logs
  name=$(jq -r .name <<<"$service"); container="sbx-production-$name"
  what="app $app's production service $name ($container)"; logs="docker logs $container"
  # shellcheck disable=SC2034  # read by wait_service_ready and import_service_schema (apps.sh)
  APP_DOCKER=(docker)
  if [[ $(jq -c .schema <<<"$service") == null ]]; then
    [[ -z $started ]] || wait_service_ready "$container" "$what" "$logs" "$(jq -c .ready <<<"$service")"
    return
  fi
  marker="$ECS_DIR/schema/$app.$name.imported"
  id=$(engine GET "/containers/$container/json" | jq -r .Id)
  want="$id $(sha256sum <"$(jq -r .schema.file <<<"$service")" | cut -c1-16)"
  if [[ -r $marker && $(<"$marker") == "$want" ]]; then
    [[ -z $started ]] || wait_service_ready "$container" "$what" "$logs" "$(jq -c .ready <<<"$service")"
    return
  fi
  wait_service_ready "$container" "$what" "$logs" "$(jq -c .ready <<<"$service")"
  import_service_schema "$container" "$what" "$logs" "$service" "$app"
  mkdir -p "$(dirname "$marker")"
  echo "$want" >"$marker"
  APP_DID+=("$name schema imported")
}

# ---------------------------------------------------------------- placeholder image ---------------------------
# Made from the node fixture with the Engine API's commit (no build): CMD is the placeholder server for this app,
# under tini. One tag per app and content, so a changed health path or port makes a new image.
ecs_placeholder_image() {
  local profile="$1" hash
  hash=$(printf '%s\n' "$ECS_PLACEHOLDER_JS" "$(fixture_image node)" "$(jq -c '[.name, .healthPath, .appPort]' <<<"$profile")" | sha256sum | cut -c1-8)
  echo "$ECS_PLACEHOLDER_REPO:$(jq -r .name <<<"$profile")-$hash"
}

ensure_ecs_placeholder() {
  local profile="$1" image="$2"
  in_registry "$image" && return
  local node id config
  node=$(fixture_image node)
  ensure_local "$node"
  id=$(engine POST /containers/create -H 'Content-Type: application/json' -d "$(jq -cn --arg i "$node" '{Image: $i, Cmd: ["true"]}')" | jq -r '.Id // empty')
  [[ -n $id ]] || die "could not create a container from $node for the placeholder image"
  config=$(jq -cn --arg js "$ECS_PLACEHOLDER_JS" --argjson p "$profile" \
    '{Entrypoint: ["tini", "--"], Cmd: ["node", "-e", $js, $p.name, $p.healthPath], ExposedPorts: {"\($p.appPort)/tcp": {}}, User: "node",
      Labels: {"pipeline.sandbox.placeholder": "true", "pipeline.sandbox.placeholder.app": $p.name}}')
  engine POST "/commit?container=$id&repo=${image%:*}&tag=${image##*:}" -H 'Content-Type: application/json' -d "$config" >/dev/null \
    || { engine DELETE "/containers/$id?force=1" >/dev/null; die "could not commit the placeholder image $image"; }
  engine DELETE "/containers/$id?force=1" >/dev/null || true
  push_image "$image"
  APP_DID+=("placeholder image pushed")
}

# ---------------------------------------------------------------- cluster, task definition, service -----------
# environment: the profile's env and PORT. healthCheck: only for an app on the node fixture, whose image has node
# to run the probe with; any other app gets none, and the endpoint judges its tasks by the running grace, as ECS
# does without one.
ecs_task_definition_json() {
  local profile="$1" image="$2" health=null
  if [[ $(jq -r .baseImage <<<"$profile") == "$(fixture_image node)" ]]; then
    # shellcheck disable=SC2059  # the format is ours
    health=$(jq -cn --arg h "$(printf "$ECS_HEALTH_JS" "$(jq -r .appPort <<<"$profile")" "$(jq -r .healthPath <<<"$profile")")" \
      '{command: ["CMD-SHELL", ("node -e \"" + $h + "\"")], interval: 5, timeout: 4, retries: 3, startPeriod: 30}')
  fi
  jq -cn --argjson p "$profile" --arg i "$image" --argjson health "$health" --arg r "$AWS_SANDBOX_REGION" '{
    family: $p.ecs.family, networkMode: "bridge", requiresCompatibilities: ["EC2"], cpu: "256", memory: "512",
    containerDefinitions: [({
      name: $p.ecs.container, image: $i, essential: true, memoryReservation: 128,
      portMappings: [{containerPort: $p.appPort, protocol: "tcp"}],
      environment: ([$p.env | to_entries[] | select(.key != "PORT") | {name: .key, value: .value}] + [{name: "PORT", value: ($p.appPort | tostring)}]),
      logConfiguration: {logDriver: "awslogs", options: {"awslogs-group": ("/ecs/" + $p.name), "awslogs-region": $r, "awslogs-stream-prefix": $p.ecs.container}},
      linuxParameters: {initProcessEnabled: true},
      stopTimeout: 10
    } + (if $health == null then {} else {healthCheck: $health} end))],
    tags: [{key: "app", value: $p.name}, {key: "environment", value: "production"}]
  }'
}

# Waits until the service's PRIMARY deployment is COMPLETED: a first DeployProduction then has a revision to roll back to.
wait_ecs_steady() {
  local service="$1" i state=""
  for ((i = 0; i < ECS_STEADY_WAIT_S * 2; i++)); do
    state=$(ecs_api_ok DescribeServices "$(jq -cn --arg c "$ECS_CLUSTER" --arg s "$service" '{cluster: $c, services: [$s]}')" \
      | jq -r '.services[0].deployments[] | select(.status == "PRIMARY") | .rolloutState')
    [[ $state == COMPLETED ]] && return
    [[ $state == FAILED ]] && break
    sleep 0.5
  done
  die "ECS service $service did not reach a steady state (rolloutState ${state:-none}); see $AWS_LOG and: aws --endpoint-url $AWS_ENDPOINT --profile sandbox ecs describe-services --cluster $ECS_CLUSTER --services $service"
}

# One DescribeClusters when it is there; after an endpoint restart (its state is in memory) it is created again.
ensure_ecs_cluster() {
  local found
  found=$(ecs_api DescribeClusters "$(jq -cn --arg c "$ECS_CLUSTER" '{clusters: [$c]}')" || true)
  [[ $(jq -r '.clusters[0].status // empty' <<<"$found" 2>/dev/null) == ACTIVE ]] && return
  ecs_api_ok CreateCluster "$(jq -cn --arg c "$ECS_CLUSTER" '{clusterName: $c}')" >/dev/null
  ECS_DID+=("cluster $ECS_CLUSTER created")
}

# One DescribeServices when all is there (the fast path); after an endpoint restart the app's first task
# definition and its service are created again.
ensure_ecs_service() {
  local profile="$1" placeholder="$2" service family found definition
  service=$(jq -r .ecs.service <<<"$profile"); family=$(jq -r .ecs.family <<<"$profile")
  found=$(ecs_api DescribeServices "$(jq -cn --arg c "$ECS_CLUSTER" --arg s "$service" '{cluster: $c, services: [$s]}')" || true)
  if [[ $(jq -r '.services[0].status // empty' <<<"$found" 2>/dev/null) == ACTIVE ]]; then
    ECS_APP_STATE=$(jq -r '.services[0] | "\(.runningCount)/\(.desiredCount) running, \(.taskDefinition | split("/") | last)"' <<<"$found")
    return
  fi
  # The placeholder image is made only for a first task definition: an app whose service exists (or that deploys
  # into another app's service, as throwaway test apps do) never needs one.
  if ! definition=$(ecs_api DescribeTaskDefinition "$(jq -cn --arg f "$family" '{taskDefinition: $f}')"); then
    ensure_ecs_placeholder "$profile" "$placeholder"
    definition=$(ecs_api_ok RegisterTaskDefinition "$(ecs_task_definition_json "$profile" "$placeholder")")
  fi
  definition=$(jq -r '.taskDefinition.taskDefinitionArn' <<<"$definition")
  ecs_api_ok CreateService "$(jq -cn --arg c "$ECS_CLUSTER" --arg s "$service" --arg t "$definition" --argjson n "$ECS_DESIRED" \
    --arg app "$(jq -r .name <<<"$profile")" '{
    cluster: $c, serviceName: $s, taskDefinition: $t, desiredCount: $n, launchType: "EC2",
    deploymentConfiguration: {deploymentCircuitBreaker: {enable: true, rollback: true}, minimumHealthyPercent: 50, maximumPercent: 200},
    tags: [{key: "app", value: $app}]}')" >/dev/null
  step_start "waiting for ECS service $service to reach a steady state"
  wait_ecs_steady "$service"
  step_end
  APP_DID+=("service created")
  ECS_APP_STATE="$ECS_DESIRED/$ECS_DESIRED running, ${definition##*/}"
}

# An app's ECS part: its production services (schema imported), placeholder image and service.
ensure_ecs_app() {
  local profile="$1" app service services started="" placeholder
  app=$(jq -r .name <<<"$profile")
  mapfile -t services < <(jq -c '.services[]' <<<"$profile")
  APP_DID=()
  ECS_APP_STATE=""
  for service in "${services[@]}"; do ensure_ecs_dep "$app" "$service"; done
  ((${#APP_DID[@]} == 0)) || started=1
  for service in "${services[@]}"; do ensure_ecs_dep_schema "$app" "$service" "$started"; done
  placeholder=$(ecs_placeholder_image "$profile")
  ensure_ecs_service "$profile" "$placeholder"
  local did=ok names
  names=$(jq -r '[.services[].name | "sbx-production-" + .] | if length == 0 then "no services" else join("+") end' <<<"$profile")
  if ((${#APP_DID[@]})); then did=$(printf '%s, ' "${APP_DID[@]}"); did=${did%, }; fi
  summary ecs "$app: $did (service $(jq -r .ecs.service <<<"$profile"): $ECS_APP_STATE; $names)"
}

# $1: the app to provision too (its profile JSON), or nothing for the cluster and network alone.
ensure_ecs() {
  local profile="${1:-}"
  ECS_DID=()
  mkdir -p "$ECS_DIR"
  ensure_ecs_network
  ensure_ecs_cluster
  local did=ok
  if ((${#ECS_DID[@]})); then did=$(printf '%s, ' "${ECS_DID[@]}"); did=${did%, }; fi
  summary ecs "$did (cluster $ECS_CLUSTER, network $ECS_NETWORK)"
  # A profile without "ecs" is an app whose runs name a cluster of their own: nothing to make here.
  if [[ -n $profile && $(jq -r '.ecs | type' <<<"$profile") == object ]]; then ensure_ecs_app "$profile"; fi
}

# The "ecs" object of sandbox.json: what DeployProduction targets when no real cluster is configured.
ecs_sandbox_json() {
  jq -cn --arg c "$ECS_CLUSTER" --arg s "$ECS_COMPAT_SERVICE" --arg n "$ECS_COMPAT_CONTAINER" --arg f "$ECS_COMPAT_FAMILY" --arg net "$ECS_NETWORK" \
    '{cluster: $c, service: $s, containerName: $n, taskDefinitionFamily: $f, network: $net}'
}
