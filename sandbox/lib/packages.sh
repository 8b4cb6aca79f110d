# shellcheck shell=bash
# Host packages: checked cheaply (one dpkg-query), installed only when something is missing.

# One Debian package per line, with why the sandbox needs it. Later parts append here
# (openssh-server for the staging host, nginx for the load balancer, awscli as the AWS client).
SANDBOX_PACKAGES=(
  docker.io        # dockerd 20.10 (API 1.41) and containerd
  debootstrap      # the base image is built from the apt mirror: no registry can be pulled from
  docker-registry  # distribution 2.8, the local registry on 127.0.0.1:5000
  apache2-utils    # htpasswd -B for the registry's bcrypt password file
  curl             # Engine API over the unix socket, registry probes
  ca-certificates  # the host CA bundle copied into the node image
  jq               # parses the Engine API's streamed JSON, writes sandbox.json
  awscli           # Debian's aws (v2): the independent client that tests the sandbox AWS endpoint
  openssh-server   # sshd for the staging hosts (and ssh-keygen for their keys)
  openssh-client   # ssh-keygen and ssh-keyscan (the tests make keys); ssh for bench/ssh-latency.sh and by hand
  nginx            # the staging load balancer on 127.0.0.1:8080
  iptables         # one FORWARD accept per staging host bridge (br_netfilter + the main engine's DROP policy)
  socat            # the jump host's way into the staging network namespace (staging_ssh.sh)
  iproute2         # ip netns for that namespace, ip link for the staging hosts' bridges
)

# Without root or apt we cannot install or start anything: say exactly what is needed instead.
print_manual_instructions() {
  local sock; sock=$(engine_socket)
  cat >&2 <<EOF
[sandbox] up.sh needs root on a Debian/apt machine ($1). To prepare the machine by hand:
  1. install: ${SANDBOX_PACKAGES[*]}
  2. start the engine (no systemd needed), wait until the ping prints OK:
       setsid nohup dockerd --host unix://$sock </dev/null >/var/log/dockerd.log 2>&1 &
       curl --unix-socket $sock http://localhost/_ping
  3. start the registry on $REGISTRY_ADDR (an unauthenticated GET /v2/ must answer 401):
       mkdir -p $REG_DIR/data
       head -c 24 /dev/urandom | base64 | tr '+/' '-_' >$REG_PASSWORD; chmod 600 $REG_PASSWORD
       htpasswd -B -i -c $REG_HTPASSWD $REGISTRY_USER <$REG_PASSWORD
       cat >$REG_CONFIG <<'YAML'
$(registry_config_text)
YAML
       setsid nohup docker-registry serve $REG_CONFIG </dev/null >$REG_LOG 2>&1 &
  then, as root, sandbox/up.sh builds the fixture images (see sandbox/README.md).
EOF
  exit 1
}

check_host() {
  [[ $EUID -eq 0 ]] || print_manual_instructions "running as uid $EUID, not root"
  if ! command -v apt-get >/dev/null || ! command -v dpkg-query >/dev/null; then
    print_manual_instructions "no apt-get/dpkg-query found"
  fi
}

missing_packages() {
  # Packages never seen by dpkg are absent from the output (error on stderr), so compare names.
  local installed
  # dpkg-query exits 1 when any name is unknown; the output for the known ones is still good.
  installed=$({ dpkg-query -W -f='${Package} ${Status}\n' "${SANDBOX_PACKAGES[@]}" 2>/dev/null || true; } \
    | awk '$NF == "installed" {print $1}')
  local p
  for p in "${SANDBOX_PACKAGES[@]}"; do
    grep -qx -- "$p" <<<"$installed" || echo "$p"
  done
}

# Debian's postinst scripts would start docker-registry's own instance on *:5000 with no auth
# (and the distro dockerd): a policy-rc.d that denies service starts keeps us the only one starting them.
with_services_blocked() {
  local policy=/usr/sbin/policy-rc.d ours=0 rc=0
  if [[ ! -e $policy ]]; then
    printf '#!/bin/sh\n# pipeline sandbox: installing packages, services are started by sandbox/up.sh\nexit 101\n' >"$policy"
    chmod 755 "$policy"; ours=1
  fi
  "$@" || rc=$?
  ((ours)) && rm -f "$policy"
  return "$rc"
}

# The commands go into the step's log with a "+ " line each, so its tail says which one failed.
install_packages() {
  # Another apt run (a parallel setup script) holds the lock for a while: wait for it instead of failing.
  local apt=(apt-get -o DPkg::Lock::Timeout=120)
  echo "+ apt-get update"
  with_services_blocked "${apt[@]}" update -qq || return
  echo "+ apt-get install $*"
  with_services_blocked "${apt[@]}" install -y -qq --no-install-recommends "$@"
}

ensure_packages() {
  local missing log="$LOG_DIR/packages.log"
  mapfile -t missing < <(missing_packages)
  if ((${#missing[@]} == 0)); then
    summary packages "ok"
    return
  fi
  step_start "installing ${missing[*]}" "log: $log"
  export DEBIAN_FRONTEND=noninteractive
  run_logged "$log" install_packages "${missing[@]}" \
    || die "installing ${missing[*]} failed (log: $log); check the apt sources and the network"
  step_end
  summary packages "installed ${missing[*]}"
}
