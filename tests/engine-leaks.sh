# Sourced by test.sh: the images the test suites leave in the engine. Every test removes what it built, so an image
# that appeared during the suites and is still there is a leak. Kept on purpose, and so not counted: images a
# container still uses (the production service's tasks run the last good deploy), the pipeline's own seed of
# the database (pipeline-deps/mysql-seed), a cache by design, and the sandbox's own images (127.0.0.1:5000/sandbox/:
# an app's ECS placeholder, made when a test first provisions that app, stays for the next time).

# Every top-level image (tagged or not), one full ID per line.
engine_images() {
  docker images --quiet --no-trunc | sort -u
}

# The images that are not in the list in file $1, with their tags; nothing when the suites left none.
engine_leaks() {
  local before=$1 used
  used=$(docker ps -aq | xargs -r docker inspect --format '{{.Image}}' | sort -u)
  comm -13 "$before" <(engine_images) | comm -23 - <(printf '%s\n' "$used") | while read -r id; do
    [[ -n $id ]] || continue
    tags=$(docker image inspect --format '{{join .RepoTags " "}}' "$id" 2>/dev/null) || continue
    [[ $tags == pipeline-deps/mysql-seed:* || $tags == 127.0.0.1:5000/sandbox/* ]] && continue
    echo "$id ${tags:-<untagged>}"
  done
}
