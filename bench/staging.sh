#!/usr/bin/env bash
# P5: DeployStaging of an already-pushed image on one host (A) against the bare sum of what it must do there (B):
#     docker pull + docker run + polling the app until its first healthy response. A is the whole ./build.sh run
#     (dotnet, Cake, sandbox check, lock, proxy switch, load-balancer hooks); the stage's own time is printed too.
# P6: a one-line code change, from commit to healthy on both staging hosts: DockerBuild + Push + DeployStaging,
#     each target's time from the run summary (the target is <= 10 s for the deploy part).
# Runs against the sandbox; removes what it deployed at the end.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
source bench/lib.sh

REPO=bench-staging
APP=bench-staging
# The bench is an app of its own in the sandbox (slot 99: its own app ports and load balancer), so it runs while
# the sample app (slot 0, pipeline.json) or any other is deployed on staging; the sandbox hands out low slots first.
export AWS_ECR_REPO=$REPO STAGING_CONTAINER=$APP PIPELINE_BRANCH=develop SANDBOX_SLOT=99
./build.sh SandboxUp >"${TMPDIR:-/tmp}/bench-staging-up.log" 2>&1 || { tail -n 20 "${TMPDIR:-/tmp}/bench-staging-up.log"; exit 1; }
SJ=~/.pipeline-sandbox/sandbox.json
S=$(jq -r .staging.knownHosts "$SJ" | xargs dirname)
KEY=$(jq -r .staging.identityFile "$SJ")
ENVFILE=$(jq -r --arg a "$APP" '.apps[$a].hosts[0].envFile' "$SJ")
APP_PORT_1=$(jq -r --arg a "$APP" '.apps[$a].hosts[0].appPort' "$SJ")
ssh1() { ssh -i "$KEY" -o UserKnownHostsFile="$S/known_hosts" -o StrictHostKeyChecking=yes -o BatchMode=yes -p 2222 root@127.0.0.1 "$@"; }
export -f ssh1; export S KEY ENVFILE REPO APP
sha_a=aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa
sha_b=bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb
work=$(mktemp -d)
cleanup() {
  for port in 2222 2223; do
    # The hosts' sshds are reachable only through staging-1 (sandbox/lib/staging.sh, STAGING_NETNS).
    ssh -i "$KEY" -o UserKnownHostsFile="$S/known_hosts" -o BatchMode=yes -p $port root@127.0.0.1 \
      -o ProxyCommand="ssh -i $KEY -o UserKnownHostsFile=$S/known_hosts -o BatchMode=yes -W %h:%p -p 2222 root@127.0.0.1" \
      "docker ps -aq --filter label=pipeline.staging.app=$APP | xargs -r docker rm -f >/dev/null; docker rm -f $APP-proxy bare-bench >/dev/null 2>&1;
       docker images -q 127.0.0.1:5000/$REPO | sort -u | xargs -r docker rmi -f >/dev/null 2>&1; true"
  done
  docker images -q --filter label=pipeline.repository=$REPO | sort -u | xargs -r docker rmi -f >/dev/null 2>&1 || true
  rm -rf "$work"
}
trap cleanup EXIT

echo "pushing two versions of the app to deploy in turn"
# --force-push: the images carry the commit time of HEAD, so a later checkout rebuilds them with another ID.
for sha in $sha_a $sha_b; do
  PIPELINE_SHA=$sha ./build.sh Push --skip StartDeps,Test --force-push >"$work/push.log" 2>&1 || { tail -n 20 "$work/push.log"; exit 1; }
done
registry_password=$(cat ~/.pipeline-sandbox/registry/password)
printf '%s' "$registry_password" >"$work/password"; chmod 600 "$work/password"
export work

# A deploys the version staging-1 does not run (so every run really switches); B runs the other one bare.
echo "$sha_a" >"$work/next"
deploy_one='sha=$(cat "$work/next"); [ "$sha" = '$sha_a' ] && echo '$sha_b' >"$work/next" || echo '$sha_a' >"$work/next";
  PIPELINE_SHA=$sha STAGING_HOSTS=staging-1=root@127.0.0.1:2222/127.0.0.1:'$APP_PORT_1' \
  ./build.sh DeployStaging --skip Restore,DockerBuild,StartDeps,Test,Push | tee -a "$work/stage-times" | tail -n 3'
bare_prep='ssh1 "docker rm -f bare-bench >/dev/null 2>&1; true"'
bare='ssh1 "d=\$(mktemp -d); DOCKER_CONFIG=\$d docker login -u pipeline --password-stdin 127.0.0.1:5000 >/dev/null && DOCKER_CONFIG=\$d docker pull -q 127.0.0.1:5000/$REPO:develop-bbbbbbb; rm -rf \$d;
  docker run -d --name bare-bench --network staging --env-file $ENVFILE -p 127.0.0.1:3199:3000 127.0.0.1:5000/$REPO:develop-bbbbbbb >/dev/null" <"$work/password" &&
  until curl -sf -o /dev/null http://127.0.0.1:3199/healthcheck; do sleep 0.1; done'
# (The published port is on the machine, as the load balancer sees it; the ssh session runs in the hosts' namespace.)
bench_pair "P5 DeployStaging one host, image already pushed (A) vs bare pull + run + first healthy response (B)" "${PAIRS:-3}" \
  true "$deploy_one" "$bare_prep" "$bare"
echo "  DeployStaging's own time in those runs (run summary): $(grep -E '^  DeployStaging +succeeded' "$work/stage-times" | awk '{print $3 " s"}' | paste -sd, -)"
ssh1 "docker rm -f bare-bench >/dev/null 2>&1; true"

echo "P6: a one-line code change, from commit to healthy on both staging hosts"
ctx="$work/context"; mkdir -p "$ctx"; cp -a src docker .dockerignore "$ctx/"; rm -rf "$ctx/src/node_modules"
for i in 1 2 3; do
  echo "// bench change $i $(date +%s%N)" >>"$ctx/src/server.js"
  sha=$(od -An -tx1 -N20 /dev/urandom | tr -d ' \n')
  start=$EPOCHREALTIME
  DOCKER_CONTEXT=$ctx PIPELINE_SHA=$sha ./build.sh DeployStaging --skip StartDeps,Test >"$work/p6-$i.log" 2>&1 || { echo "  run $i failed (see $work/p6-$i.log)"; tail -n 30 "$work/p6-$i.log"; exit 1; }
  end=$EPOCHREALTIME
  times=$(grep -E '^  (Restore|DockerBuild|Push|DeployStaging) +succeeded' "$work/p6-$i.log" | awk '{printf "%s %s s, ", $1, $3}')
  printf '  run %d: %.1f s in all (%s)\n' "$i" "$(awk -v a="$start" -v b="$end" 'BEGIN{print b-a}')" "${times%, }"
done
