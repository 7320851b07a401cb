#!/usr/bin/env bash
# Times the same docker CLI workload against a private modulard and a private dockerd, side by side.
#
#   bench/run.sh [-n RUNS] [-w WARMUPS] [--keep-logs]
#
# Both daemons get their own data-root, exec-root, socket and pidfile under /tmp/modular-bench/, both get
# busybox:latest from contrib/mkimage/busybox.sh, and every figure alternates modulard/dockerd run by run so
# drift on this shared machine hits both equally. Prints the median per figure and the modulard/dockerd ratio.
# Needs root, artifacts/bin/modulard (./setup.sh --build-only; MODULARD=path overrides), Debian's docker.io (dockerd) and a docker CLI.
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."
repo="$(pwd)"

runs=20
warmups=2
keep_logs=0
while [[ $# -gt 0 ]]; do
  case "$1" in
    -n) runs="${2:?-n needs a number}"; shift ;;
    -w) warmups="${2:?-w needs a number}"; shift ;;
    --keep-logs) keep_logs=1 ;;
    -h | --help) sed -n '2,9p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "bench/run.sh: unknown argument $1" >&2; exit 2 ;;
  esac
  shift
done

source "$repo/bench/lib.sh"
bench_require_tools

bench_root=/tmp/modular-bench
sweep="$repo/tests/e2e/sweep-root.sh"
"$sweep" "$bench_root" # a previous run that was killed hard
mkdir -p "$bench_root/modulard" "$bench_root/dockerd"
export DOCKER_CONFIG="$bench_root/docker-config" # no host contexts or plugins influence the CLI
mkdir -p "$DOCKER_CONFIG"

teardown() {
  local status=$?
  stop_daemon modulard
  stop_daemon dockerd
  if [[ $keep_logs -eq 1 ]]; then
    mkdir -p "$repo/artifacts/bench"
    cp "$bench_root"/*/*.log "$repo/artifacts/bench/" 2>/dev/null || true
  fi
  "$sweep" "$bench_root" || log "teardown left something under $bench_root"
  exit $status
}
trap teardown EXIT
trap 'exit 130' INT TERM

# One timed run of a workload in milliseconds (EPOCHREALTIME: no fork around the measurement); empty on failure.
time_once() {
  local host="$1" workload="$2" start end
  start=$EPOCHREALTIME
  if ! DOCKER_HOST="$host" "$workload" >/dev/null 2>>"$bench_root/workload-errors.log"; then
    return 1
  fi
  end=$EPOCHREALTIME
  elapsed_ms "$start" "$end"
}

# Workloads: each is the whole of what one figure times. --network none for both daemons: the private dockerd has
# no bridge, so a default-network run would do less work there than on modulard.
wl_run_rm() { "$docker_cli" run --rm --network none busybox true; }
wl_create_start_rm() {
  local id
  id="$("$docker_cli" create --network none busybox true)"
  "$docker_cli" start -a "$id" >/dev/null
  "$docker_cli" rm "$id" >/dev/null
}
wl_ps() { "$docker_cli" ps -a; }
wl_images() { "$docker_cli" images; }

figures=(
  "run --rm busybox true|wl_run_rm"
  "create + start -a + rm|wl_create_start_rm"
  "ps -a|wl_ps"
  "images|wl_images"
)

measure() {
  local label="$1" workload="$2" i daemon host sample
  local -A samples=([modulard]="" [dockerd]="") failures=([modulard]=0 [dockerd]=0)
  for ((i = 0; i < warmups + runs; i++)); do
    for daemon in modulard dockerd; do
      host=$modulard_host
      [[ $daemon == dockerd ]] && host=$dockerd_host
      if sample="$(time_once "$host" "$workload")"; then
        ((i >= warmups)) && samples[$daemon]+="$sample"$'\n'
      else
        failures[$daemon]=$((failures[$daemon] + 1))
      fi
    done
  done
  local m d ratio
  m="$(printf '%s' "${samples[modulard]}" | median)"
  d="$(printf '%s' "${samples[dockerd]}" | median)"
  [[ -n "$m" && ${failures[modulard]} -eq 0 ]] || m="failed(${failures[modulard]})"
  [[ -n "$d" && ${failures[dockerd]} -eq 0 ]] || d="failed(${failures[dockerd]})"
  ratio="-"
  if [[ "$m" =~ ^[0-9.]+$ && "$d" =~ ^[0-9.]+$ ]]; then
    ratio="$(awk -v m="$m" -v d="$d" 'BEGIN { printf "%.2f", m / d }')"
  fi
  printf '| %-24s | %12s | %12s | %6s |\n' "$label" "$m" "$d" "$ratio"
}

log "docker CLI: $("$docker_cli" --version)"
log "starting private modulard and dockerd under $bench_root"
start_modulard modulard "$bench_root/modulard" overlay2
start_dockerd dockerd "$bench_root/dockerd"
modulard_host="${daemon_host[modulard]}"
dockerd_host="${daemon_host[dockerd]}"
log "importing busybox:latest into both"
import_busybox "$modulard_host"
import_busybox "$dockerd_host"

# A fast figure is only worth something if the container really ran: check each daemon once, out loud.
for daemon in modulard dockerd; do
  host=$modulard_host
  [[ $daemon == dockerd ]] && host=$dockerd_host
  output="$(DOCKER_HOST="$host" "$docker_cli" run --rm --network none busybox sh -c 'echo ok' 2>&1)" || true
  if [[ "$output" != ok ]]; then
    log "WARNING: on $daemon, 'run --rm busybox sh -c \"echo ok\"' printed '${output}' instead of 'ok'; its figures may not time a real run"
  fi
done

log "median of $runs runs after $warmups warm-ups, modulard and dockerd alternating"
printf '| %-24s | %12s | %12s | %6s |\n' "figure" "modulard ms" "dockerd ms" "ratio"
printf '|%s|%s|%s|%s|\n' "$(printf -- '-%.0s' {1..26})" "$(printf -- '-%.0s' {1..14})" "$(printf -- '-%.0s' {1..14})" "$(printf -- '-%.0s' {1..8})"
for figure in "${figures[@]}"; do
  measure "${figure%%|*}" "${figure#*|}"
done
if [[ -s "$bench_root/workload-errors.log" ]]; then
  log "some runs failed; first errors:"
  head -n 10 "$bench_root/workload-errors.log" >&2
fi
