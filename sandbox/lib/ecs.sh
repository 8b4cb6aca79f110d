# shellcheck shell=bash
# The sample app's ECS service in the sandbox endpoint: cluster "sandbox", service "sample-app" (2 tasks, circuit
# breaker with rollback), and the "production" dependencies its tasks talk to: mysql and redis containers on the
# main engine, on the Docker network the endpoint puts the cluster's tasks on (ecs-<cluster>), aliases mysql and
# redis. The first task definition runs a placeholder image; DeployProduction registers revisions with the real one.
# Sourced by up.sh after the AWS endpoint and the fixture images are up.

# shellcheck disable=SC2153  # STATE, AWS_* and REGISTRY_ADDR come from common.sh and aws.sh
ECS_DIR="$STATE/ecs"
ECS_CLUSTER=sandbox
ECS_SERVICE=sample-app
ECS_FAMILY=sample-app
ECS_CONTAINER=app
ECS_DESIRED=2
# The endpoint's convention (AwsEndpoint/Ecs/EcsSettings.NetworkName): a cluster's tasks join network ecs-<cluster>.
ECS_NETWORK="ecs-$ECS_CLUSTER"
ECS_DEPS_LABEL=pipeline.sandbox.production
ECS_PLACEHOLDER="$REGISTRY_ADDR/sandbox/app-placeholder:1"
ECS_SCHEMA="$SANDBOX_DIR/../docker/database.sql"
ECS_MYSQL_WAIT_S=90
ECS_STEADY_WAIT_S=120
ECS_TARGET=AmazonEC2ContainerServiceV20141113

# The placeholder's server: what the service runs until the first DeployProduction. It answers /healthcheck like
# the real app (200 {"status":"ok"}), and stops on SIGTERM.
ECS_PLACEHOLDER_JS="const http=require('http');const s=http.createServer((q,r)=>{if(q.url==='/healthcheck'){r.writeHead(200,{'content-type':'application/json'});r.end('{\"status\":\"ok\",\"placeholder\":true}')}else{r.writeHead(200,{'content-type':'text/plain'});r.end('sandbox placeholder for sample-app: deploy the real image with ./build.sh DeployProduction\\n')}});s.listen(Number(process.env.PORT||3000));process.on('SIGTERM',()=>s.close(()=>process.exit(0)));"
# The same probe the real image's healthcheck.js makes, as a task-definition healthCheck (kept by every clone).
ECS_HEALTH_JS="require('http').get({host:'127.0.0.1',port:Number(process.env.PORT||3000),path:'/healthcheck',timeout:3000},r=>process.exit(r.statusCode===200?0:1)).on('error',()=>process.exit(1))"

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

ensure_ecs_dep() {
  local name="$1" image="$2" volume="$3" container="sbx-production-$1" state
  state=$(engine GET "/containers/$container/json" 2>/dev/null | jq -r '.State.Status // empty' 2>/dev/null || true)
  case "$state" in
    running) return ;;
    "")
      ensure_local "$image"
      # pipeline.sandbox=true: down.sh removes it (the data stays in the named volume).
      docker run --detach --name "$container" --network "$ECS_NETWORK" --network-alias "$name" --restart unless-stopped \
        --label pipeline.sandbox=true --label "$ECS_DEPS_LABEL=$name" --volume "$volume" \
        --log-driver json-file --log-opt max-size=10m --log-opt max-file=3 "$image" >/dev/null \
        || die "could not start the production $name container ($container)" ;;
    *) docker start "$container" >/dev/null || die "could not start $container (was $state)" ;;
  esac
  ECS_DID+=("$name started")
}

wait_ecs_mysql() {
  local i
  for ((i = 0; i < ECS_MYSQL_WAIT_S * 4; i++)); do
    docker exec sbx-production-mysql mariadb-admin ping --silent >/dev/null 2>&1 && return
    sleep 0.25
  done
  die "production mysql did not accept connections within ${ECS_MYSQL_WAIT_S}s (docker logs sbx-production-mysql)"
}

# Imported once per container (again if database.sql changes; it is idempotent anyway).
ensure_ecs_schema() {
  local marker="$ECS_DIR/schema.imported" id want
  id=$(engine GET "/containers/sbx-production-mysql/json" | jq -r .Id)
  want="$id $(sha256sum <"$ECS_SCHEMA" | cut -c1-16)"
  if [[ -r $marker && $(<"$marker") == "$want" ]]; then
    ((${#ECS_DID[@]} == 0)) || wait_ecs_mysql
    return
  fi
  wait_ecs_mysql
  docker exec -i sbx-production-mysql mariadb <"$ECS_SCHEMA" || die "importing docker/database.sql into sbx-production-mysql failed"
  echo "$want" >"$marker"
  ECS_DID+=("schema imported")
}

# ---------------------------------------------------------------- placeholder image ---------------------------
# Made from the node fixture with the Engine API's commit (no build): CMD is the placeholder server, under tini.
ensure_ecs_placeholder() {
  in_registry "$ECS_PLACEHOLDER" && return
  local node id config
  node=$(fixture_image node)
  ensure_local "$node"
  id=$(engine POST /containers/create -H 'Content-Type: application/json' -d "$(jq -cn --arg i "$node" '{Image: $i, Cmd: ["true"]}')" | jq -r '.Id // empty')
  [[ -n $id ]] || die "could not create a container from $node for the placeholder image"
  config=$(jq -cn --arg js "$ECS_PLACEHOLDER_JS" \
    '{Entrypoint: ["tini", "--"], Cmd: ["node", "-e", $js], ExposedPorts: {"3000/tcp": {}}, User: "node",
      Labels: {"pipeline.sandbox.placeholder": "sample-app"}}')
  engine POST "/commit?container=$id&repo=${ECS_PLACEHOLDER%:*}&tag=${ECS_PLACEHOLDER##*:}" -H 'Content-Type: application/json' -d "$config" >/dev/null \
    || { engine DELETE "/containers/$id?force=1" >/dev/null; die "could not commit the placeholder image $ECS_PLACEHOLDER"; }
  engine DELETE "/containers/$id?force=1" >/dev/null || true
  push_image "$ECS_PLACEHOLDER"
  ECS_DID+=("placeholder image pushed")
}

# ---------------------------------------------------------------- cluster, task definition, service -----------
ecs_task_definition_json() {
  jq -cn --arg f "$ECS_FAMILY" --arg c "$ECS_CONTAINER" --arg i "$ECS_PLACEHOLDER" --arg h "$ECS_HEALTH_JS" --arg r "$AWS_SANDBOX_REGION" '{
    family: $f, networkMode: "bridge", requiresCompatibilities: ["EC2"], cpu: "256", memory: "512",
    containerDefinitions: [{
      name: $c, image: $i, essential: true, memoryReservation: 128,
      portMappings: [{containerPort: 3000, protocol: "tcp"}],
      environment: [
        {name: "NODE_ENV", value: "production"}, {name: "PORT", value: "3000"},
        {name: "MYSQL_HOST", value: "mysql"}, {name: "MYSQL_PORT", value: "3306"}, {name: "MYSQL_USER", value: "root"},
        {name: "MYSQL_PASSWORD", value: ""}, {name: "MYSQL_DATABASE", value: "sample_app"},
        {name: "REDIS_HOST", value: "redis"}, {name: "REDIS_PORT", value: "6379"}],
      logConfiguration: {logDriver: "awslogs", options: {"awslogs-group": "/ecs/sample-app", "awslogs-region": $r, "awslogs-stream-prefix": "app"}},
      healthCheck: {command: ["CMD-SHELL", ("node -e \"" + $h + "\"")], interval: 5, timeout: 4, retries: 3, startPeriod: 30},
      linuxParameters: {initProcessEnabled: true},
      stopTimeout: 10
    }],
    tags: [{key: "app", value: "sample-app"}, {key: "environment", value: "production"}]
  }'
}

# Waits until the service's PRIMARY deployment is COMPLETED: a first DeployProduction then has a revision to roll back to.
wait_ecs_steady() {
  local i state=""
  for ((i = 0; i < ECS_STEADY_WAIT_S * 2; i++)); do
    state=$(ecs_api_ok DescribeServices "$(jq -cn --arg c "$ECS_CLUSTER" --arg s "$ECS_SERVICE" '{cluster: $c, services: [$s]}')" \
      | jq -r '.services[0].deployments[] | select(.status == "PRIMARY") | .rolloutState')
    [[ $state == COMPLETED ]] && return
    [[ $state == FAILED ]] && break
    sleep 0.5
  done
  die "ECS service $ECS_SERVICE did not reach a steady state (rolloutState ${state:-none}); see $AWS_LOG and: aws --endpoint-url $AWS_ENDPOINT --profile sandbox ecs describe-services --cluster $ECS_CLUSTER --services $ECS_SERVICE"
}

# One DescribeServices when all is there (the fast path); after an endpoint restart (its state is in memory) the
# cluster, a first task definition and the service are created again.
ensure_ecs_service() {
  local found
  found=$(ecs_api DescribeServices "$(jq -cn --arg c "$ECS_CLUSTER" --arg s "$ECS_SERVICE" '{cluster: $c, services: [$s]}')" || true)
  if [[ $(jq -r '.services[0].status // empty' <<<"$found" 2>/dev/null) == ACTIVE ]]; then
    ECS_STATE=$(jq -r '.services[0] | "\(.runningCount)/\(.desiredCount) running, \(.taskDefinition | split("/") | last)"' <<<"$found")
    return
  fi
  ecs_api_ok CreateCluster "$(jq -cn --arg c "$ECS_CLUSTER" '{clusterName: $c}')" >/dev/null
  local definition
  if ! definition=$(ecs_api DescribeTaskDefinition "$(jq -cn --arg f "$ECS_FAMILY" '{taskDefinition: $f}')"); then
    definition=$(ecs_api_ok RegisterTaskDefinition "$(ecs_task_definition_json)")
  fi
  definition=$(jq -r '.taskDefinition.taskDefinitionArn' <<<"$definition")
  ecs_api_ok CreateService "$(jq -cn --arg c "$ECS_CLUSTER" --arg s "$ECS_SERVICE" --arg t "$definition" --argjson n "$ECS_DESIRED" '{
    cluster: $c, serviceName: $s, taskDefinition: $t, desiredCount: $n, launchType: "EC2",
    deploymentConfiguration: {deploymentCircuitBreaker: {enable: true, rollback: true}, minimumHealthyPercent: 50, maximumPercent: 200}}')" >/dev/null
  step_start "waiting for ECS service $ECS_SERVICE to reach a steady state"
  wait_ecs_steady
  step_end
  ECS_DID+=("service created")
  ECS_STATE="$ECS_DESIRED/$ECS_DESIRED running, ${definition##*/}"
}

ensure_ecs() {
  ECS_DID=()
  ECS_STATE=""
  mkdir -p "$ECS_DIR"
  ensure_ecs_network
  ensure_ecs_dep mysql "$(fixture_image mysql)" sbx-production-mysql-data:/var/lib/mysql
  ensure_ecs_dep redis "$(fixture_image redis)" sbx-production-redis-data:/var/lib/redis
  ensure_ecs_schema
  ensure_ecs_placeholder
  ensure_ecs_service
  local did=ok
  if ((${#ECS_DID[@]})); then did=$(printf '%s, ' "${ECS_DID[@]}"); did=${did%, }; fi
  summary ecs "$did (cluster $ECS_CLUSTER, service $ECS_SERVICE: $ECS_STATE; mysql+redis on network $ECS_NETWORK)"
}

# The "ecs" object of sandbox.json: what DeployProduction targets when no real cluster is configured.
ecs_sandbox_json() {
  jq -cn --arg c "$ECS_CLUSTER" --arg s "$ECS_SERVICE" --arg n "$ECS_CONTAINER" --arg f "$ECS_FAMILY" --arg net "$ECS_NETWORK" \
    '{cluster: $c, service: $s, containerName: $n, taskDefinitionFamily: $f, network: $net}'
}
