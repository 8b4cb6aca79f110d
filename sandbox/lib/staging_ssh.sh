# shellcheck shell=bash
# The staging hosts' SSH side: the client key the deploy uses, each host's ed25519 host key pinned in
# known_hosts, each host's sshd on its own loopback port inside the staging network namespace, and the jump host's
# entry point: 127.0.0.1:<staging-1's port> on the machine, where every connection gets an sshd of staging-1
# (inetd mode) running inside the namespace, so its forwardings reach the hosts and nothing else does. Sourced by
# staging.sh.
# shellcheck disable=SC2153  # STAGING_DIR and the host_* helpers come from staging.sh

# ---------------------------------------------------------------- keys -----------------------------------
# sshd's StrictModes refuses an AuthorizedKeysFile below a group- or world-writable directory (say a
# PIPELINE_SANDBOX_DIR under /tmp). Only then is it turned off, and up.sh says so.
staging_strict_modes() {
  local d="$STAGING_DIR" mode
  while [[ $d != / && -n $d ]]; do
    d=$(dirname "$d")
    mode=$(stat -c %a "$d" 2>/dev/null) || continue
    if (( (8#$mode & 8#022) != 0 )); then
      warn "staging sshd: $d is group/world-writable, so StrictModes is off (use a PIPELINE_SANDBOX_DIR below a private directory)"
      echo no; return
    fi
  done
  echo yes
}

ensure_staging_keys() {
  mkdir -p "$STAGING_DIR"; chmod 700 "$STAGING_DIR"
  STAGING_STRICT_MODES=$(staging_strict_modes)
  [[ -s $STAGING_KEY ]] || ssh-keygen -q -t ed25519 -N '' -C "pipeline-sandbox deploy client" -f "$STAGING_KEY" \
    || die "ssh-keygen could not write $STAGING_KEY"
  chmod 600 "$STAGING_KEY"
  local host dir known="# Written by sandbox/up.sh: the staging hosts' ed25519 host keys, for StrictHostKeyChecking=yes."
  for host in "${STAGING_HOSTS[@]}"; do
    dir=$(host_dir "$host"); mkdir -p "$dir" "$(host_home "$host")"
    [[ -s $dir/ssh_host_ed25519_key ]] \
      || ssh-keygen -q -t ed25519 -N '' -C "$host host key" -f "$dir/ssh_host_ed25519_key" \
      || die "ssh-keygen could not write the $host host key"
    chmod 600 "$dir/ssh_host_ed25519_key"
    write_if_changed "$dir/authorized_keys" "$(<"$STAGING_KEY.pub")" >/dev/null
    chmod 600 "$dir/authorized_keys"
    known+=$'\n'"[127.0.0.1]:$(host_ssh_port "$host") $(cut -d' ' -f1,2 "$dir/ssh_host_ed25519_key.pub")"
  done
  write_if_changed "$STAGING_KNOWN_HOSTS" "$known" >/dev/null
  chmod 644 "$STAGING_KNOWN_HOSTS"
}

# ---------------------------------------------------------------- sshd -----------------------------------
host_sshd_config() {
  local host="$1" dir; dir=$(host_dir "$host")
  cat <<EOF
# Written by sandbox/up.sh for $host; edits are overwritten on the next run.
Port $(host_ssh_port "$host")
ListenAddress 127.0.0.1
HostKey $dir/ssh_host_ed25519_key
PidFile $dir/sshd.pid
AuthorizedKeysFile $dir/authorized_keys
PubkeyAuthentication yes
PasswordAuthentication no
KbdInteractiveAuthentication no
PermitRootLogin prohibit-password
AllowUsers $STAGING_USER
UsePAM no
StrictModes ${STAGING_STRICT_MODES:-yes}
X11Forwarding no
PrintMotd no
PrintLastLog no
# The deploy multiplexes one connection per host and may open several sessions on it.
MaxSessions 32
MaxStartups 32:30:64
# What makes this a separate host: plain \`docker\` reaches this host's engine only, and ~ (docker login's
# config.json, sample-app.env, lock files) is this host's own.
SetEnv DOCKER_HOST=unix://$(host_socket "$host") HOME=$(host_home "$host")
Subsystem sftp internal-sftp
EOF
}

# Inside the namespace: only the jump host's sessions reach these.
host_sshd_listening() { nsenter --net="/run/netns/$STAGING_NETNS" bash -c "exec 3<>/dev/tcp/127.0.0.1/$(host_ssh_port "$1")" 2>/dev/null; }

ensure_staging_netns() {
  ip netns list | grep -qx "$STAGING_NETNS\( .*\)\?" || ip netns add "$STAGING_NETNS" || die "could not create the network namespace $STAGING_NETNS"
  ip -n "$STAGING_NETNS" link set lo up
}

remove_staging_netns() {
  ip netns list | grep -qx "$STAGING_NETNS\( .*\)\?" || return 0
  ip netns delete "$STAGING_NETNS" || warn "could not delete the network namespace $STAGING_NETNS"
}

ensure_host_sshd() {
  local host="$1" dir cfg changed pid=""; dir=$(host_dir "$host"); cfg="$dir/sshd_config"
  changed=$(write_if_changed "$cfg" "$(host_sshd_config "$host")")
  pid=$(pid_alive "$dir/sshd.run.pid" "$cfg") || true
  # One started before the hosts moved into the namespace: a reload would keep it outside.
  if [[ -n $pid && $(ip netns identify "$pid" 2>/dev/null) != "$STAGING_NETNS" ]]; then
    stop_pid "$pid" "$host sshd (outside $STAGING_NETNS)" 5; pid=""
  fi
  if [[ -n $pid && -z $changed ]] && host_sshd_listening "$host"; then return; fi
  mkdir -p /run/sshd; chmod 755 /run/sshd   # sshd's privilege-separation directory (-t checks it too)
  /usr/sbin/sshd -t -f "$cfg" || die "$host: sshd rejects $cfg (see above)"
  if [[ -n $pid ]]; then
    # SIGHUP makes sshd re-exec itself with the new config, keeping open sessions.
    kill -HUP "$pid"; sleep 0.3
  else
    # nsenter execs sshd in place (the pid is sshd's) and, unlike ip netns exec, leaves the mount namespace alone.
    setsid nohup nsenter --net="/run/netns/$STAGING_NETNS" /usr/sbin/sshd -D -f "$cfg" -E "$dir/sshd.log" </dev/null >/dev/null 2>&1 9>&- &
    echo $! >"$dir/sshd.run.pid"
  fi
  local i
  for ((i = 0; i < 50; i++)); do host_sshd_listening "$host" && { STAGING_DID+=("sshd ${pid:+re}started"); return; }; sleep 0.1; done
  tail -n 10 "$dir/sshd.log" >&2 || true
  die "$host: sshd does not listen on 127.0.0.1:$(host_ssh_port "$host") in $STAGING_NETNS (log: $dir/sshd.log; port taken? nsenter --net=/run/netns/$STAGING_NETNS ss -ltnp 'sport = :$(host_ssh_port "$host")')"
}

# The jump host's way in from the machine: socat on 127.0.0.1:<its port> hands every connection to an sshd of the
# jump host started in inetd mode (-i) inside the namespace; same config, host key and log as its listening sshd.
jump_listener_args() {
  local dir cfg; dir=$(host_dir "$STAGING_JUMP_HOST"); cfg="$dir/sshd_config"
  printf '%s\n' "TCP-LISTEN:$(host_ssh_port "$STAGING_JUMP_HOST"),bind=127.0.0.1,reuseaddr,fork,nodelay" \
    "EXEC:nsenter --net=/run/netns/$STAGING_NETNS /usr/sbin/sshd -i -f $cfg -E $dir/sshd.log"
}

jump_listening() { (exec 3<>"/dev/tcp/127.0.0.1/$(host_ssh_port "$STAGING_JUMP_HOST")") 2>/dev/null; }

ensure_jump_listener() {
  local dir args pid=""; dir=$(host_dir "$STAGING_JUMP_HOST"); args=$(jump_listener_args)
  pid=$(pid_alive "$dir/jump.run.pid" socat) || true
  [[ -n $pid && $(cat "$dir/jump.args" 2>/dev/null) == "$args" ]] && jump_listening && return
  [[ -n $pid ]] && stop_pid "$pid" "jump listener" 5
  printf '%s\n' "$args" >"$dir/jump.args"
  local argv; mapfile -t argv <<<"$args"
  setsid nohup socat "${argv[@]}" </dev/null >>"$dir/jump.log" 2>&1 9>&- &
  echo $! >"$dir/jump.run.pid"
  local i
  for ((i = 0; i < 50; i++)); do jump_listening && return; sleep 0.1; done
  tail -n 10 "$dir/jump.log" >&2 || true
  die "the jump host's listener does not answer on 127.0.0.1:$(host_ssh_port "$STAGING_JUMP_HOST") (log: $dir/jump.log)"
}

stop_jump_listener() {
  local dir pid; dir=$(host_dir "$STAGING_JUMP_HOST")
  if pid=$(pid_alive "$dir/jump.run.pid" socat); then
    log "jump listener: stopping pid $pid"; stop_pid "$pid" "jump listener" 5
  fi
  rm -f "$dir/jump.run.pid"
}

stop_host_sshd() {
  local host="$1" dir pid; dir=$(host_dir "$host")
  if pid=$(pid_alive "$dir/sshd.run.pid" "$dir/sshd_config"); then
    log "$host sshd: stopping pid $pid"; stop_pid "$pid" "$host sshd" 5
  fi
  rm -f "$dir/sshd.run.pid"
}
