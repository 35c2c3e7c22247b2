# Sourced by the bench scripts. median_wall DIVISOR CMD...: the median wall
# time of CMD over $runs runs, in nanoseconds divided by DIVISOR (1000 for
# microseconds, 1000000 for milliseconds). CMD's output and status are
# ignored.
median_wall() {
  local divisor=$1
  shift
  local samples=()
  for _ in $(seq "$runs"); do
    local s e
    s=$(date +%s%N)
    "$@" >/dev/null 2>&1 || true
    e=$(date +%s%N)
    samples+=($(( (e - s) / divisor )))
  done
  printf '%s\n' "${samples[@]}" | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'
}
