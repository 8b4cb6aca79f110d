# Shared by the benchmarks: runs two commands in turn (A B A B ...), so both see the same machine noise, and
# prints each one's median and the median of the pair-by-pair ratios A/B. Timings are wall-clock seconds.
# Sourced, not run.

# bench_pair LABEL PAIRS PREPARE_A COMMAND_A PREPARE_B COMMAND_B
# PREPARE_* run before each timed command and are not timed ("true" for nothing). Output of all four goes to
# $BENCH_LOG (default: a temp file), so the table stays readable.
bench_pair() {
  local label=$1 pairs=$2 prep_a=$3 cmd_a=$4 prep_b=$5 cmd_b=$6 i a b
  local log=${BENCH_LOG:-$(mktemp)}
  local -a times_a=() times_b=() ratios=()
  echo "$label: $pairs pairs (log: $log)"
  for ((i = 1; i <= pairs; i++)); do
    bash -c "$prep_a" >>"$log" 2>&1 || { echo "  preparing A failed (see $log)"; return 1; }
    a=$(bench_time "$cmd_a" "$log") || { echo "  A failed (see $log)"; return 1; }
    bash -c "$prep_b" >>"$log" 2>&1 || { echo "  preparing B failed (see $log)"; return 1; }
    b=$(bench_time "$cmd_b" "$log") || { echo "  B failed (see $log)"; return 1; }
    times_a+=("$a"); times_b+=("$b"); ratios+=("$(awk -v a="$a" -v b="$b" 'BEGIN { printf "%.3f", a / b }')")
    printf '  pair %d: A %.2f s, B %.2f s, A/B %s\n' "$i" "$a" "$b" "${ratios[-1]}"
  done
  printf '  median: A %s s, B %s s; ratio A/B %s (min %s, max %s)\n' \
    "$(bench_median "${times_a[@]}")" "$(bench_median "${times_b[@]}")" \
    "$(bench_median "${ratios[@]}")" "$(printf '%s\n' "${ratios[@]}" | sort -g | head -n 1)" \
    "$(printf '%s\n' "${ratios[@]}" | sort -g | tail -n 1)"
}

bench_time() {
  local start end
  start=$EPOCHREALTIME
  bash -c "$1" >>"$2" 2>&1 || return 1
  end=$EPOCHREALTIME
  awk -v s="$start" -v e="$end" 'BEGIN { printf "%.3f", e - s }'
}

bench_median() {
  printf '%s\n' "$@" | sort -g | awk '{ v[NR] = $1 } END { if (NR % 2) print v[(NR + 1) / 2]; else printf "%.3f\n", (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}
