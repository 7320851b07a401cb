#!/usr/bin/env bash
# What users do with containers that are already there, modulard vs Debian's dockerd 20.10 side by side in one run:
#
#   bench/inside.sh [--keep-logs]
#
# Figures: `docker exec c true` against a running `busybox sleep 600` (median of 20 after 2 warm-ups),
# `docker stats --no-stream` over 50 running sleepers (median of 3 after 1 warm-up) and `docker logs c >/dev/null`
# of a container that printed 200,000 lines with `seq` (median of 5 after 1 warm-up). The daemons alternate run by
# run. Containers use --network none on both, as in bench/run.sh. Everything lives under /tmp/modular-bench-inside/
# and is swept on exit, also after a failure or Ctrl-C.
# Needs root, artifacts/bin/modulard (./setup.sh --build-only; MODULARD=path overrides), dockerd and a docker CLI.
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."
repo="$(pwd)"
source "$repo/bench/lib.sh"

readonly bench_root=/tmp/modular-bench-inside
bench_parse_args "$@"
bench_require_tools

readonly errors_log="$bench_root/errors.log"
readonly daemons=(modulard dockerd)
readonly exec_warmups=2 exec_runs=20
readonly stats_warmups=1 stats_runs=3 stats_containers=50
readonly logs_warmups=1 logs_runs=5 logs_lines=200000

bench_begin inside

# on DAEMON ARGS...: the docker CLI against that daemon.
on() {
  local name="$1"
  shift
  DOCKER_HOST="${daemon_host[$name]}" "$docker_cli" "$@"
}

# time_on DAEMON OUT ARGS...: milliseconds of one `docker ARGS` against DAEMON, its stdout into OUT; status 1 and
# nothing printed when the CLI fails. EPOCHREALTIME on both sides: nothing forked just to read the clock.
time_on() {
  local name="$1" out="$2" start end
  shift 2
  start=$EPOCHREALTIME
  DOCKER_HOST="${daemon_host[$name]}" "$docker_cli" "$@" >"$out" 2>>"$errors_log" || return 1
  end=$EPOCHREALTIME
  elapsed_ms "$start" "$end"
}

declare -A result=() skip=()

# alternate FIGURE WARMUPS RUNS SAMPLER: `SAMPLER daemon` prints one sample in ms or fails; it is called for modulard,
# then dockerd, WARMUPS+RUNS rounds. result[FIGURE,daemon] becomes the median of the counted samples, or failed(N)
# when N calls failed. A daemon whose preparation failed (skip[daemon] set) keeps the reason as its result.
alternate() {
  local figure="$1" warmups="$2" runs="$3" sampler="$4" i name sample
  local -A samples=() failures=()
  for ((i = 0; i < warmups + runs; i++)); do
    for name in "${daemons[@]}"; do
      [[ -n "${skip[$name]:-}" ]] && continue
      if sample="$("$sampler" "$name")"; then
        ((i >= warmups)) && samples[$name]+="$sample"$'\n'
      else
        failures[$name]=$((${failures[$name]:-0} + 1))
      fi
    done
  done
  for name in "${daemons[@]}"; do
    if [[ -n "${skip[$name]:-}" ]]; then
      result[$figure,$name]="${skip[$name]}"
    elif [[ ${failures[$name]:-0} -gt 0 || -z "${samples[$name]:-}" ]]; then
      result[$figure,$name]="failed(${failures[$name]:-0})"
    else
      result[$figure,$name]="$(printf '%s' "${samples[$name]}" | median)"
    fi
  done
  skip=()
}

# --- docker exec ---------------------------------------------------------------------------------------------------

prepare_exec() {
  local name="$1" output
  on "$name" run -d --network none --name inside-exec busybox sleep 600 >/dev/null 2>>"$errors_log" || {
    skip[$name]="run -d failed"
    return
  }
  # A fast exec is only worth something if the command really ran in the container.
  output="$(on "$name" exec inside-exec echo ok 2>&1)" || true
  [[ "$output" == ok ]] || { log "$name: 'exec echo ok' printed '$output'"; skip[$name]="exec echo ok failed"; }
}

sample_exec() { time_on "$1" /dev/null exec inside-exec true; }

# --- docker logs ---------------------------------------------------------------------------------------------------

prepare_logs() {
  local name="$1" last lines
  on "$name" run -d --network none --name inside-logs busybox seq 1 "$logs_lines" >/dev/null 2>>"$errors_log" || {
    skip[$name]="run -d failed"
    return
  }
  on "$name" wait inside-logs >/dev/null 2>>"$errors_log" || { skip[$name]="wait failed"; return; }
  # The whole output, in order: the count and the last line.
  on "$name" logs inside-logs 2>>"$errors_log" >"$bench_root/logs-$name.out" || { skip[$name]="logs failed"; return; }
  lines="$(wc -l <"$bench_root/logs-$name.out")"
  last="$(tail -n 1 "$bench_root/logs-$name.out")"
  rm -f "$bench_root/logs-$name.out"
  if [[ "$lines" -ne "$logs_lines" || "$last" != "$logs_lines" ]]; then
    log "$name: docker logs gave $lines lines ending in '$last', not $logs_lines ending in '$logs_lines'"
    skip[$name]="wrong output ($lines lines)"
  fi
}

sample_logs() { time_on "$1" /dev/null logs inside-logs; }

# --- docker stats --------------------------------------------------------------------------------------------------

# $stats_containers sleepers, started four at a time (the figure is the stats call, not the start).
prepare_stats() {
  local name="$1" running
  on "$name" rm -f inside-exec >/dev/null 2>>"$errors_log" || true
  seq 1 "$stats_containers" | DOCKER_HOST="${daemon_host[$name]}" xargs -P 4 -I '{}' \
    "$docker_cli" run -d --network none --name 'inside-stats-{}' busybox sleep 600 >/dev/null 2>>"$errors_log" || true
  running="$(on "$name" ps -q 2>>"$errors_log" | wc -l)"
  if [[ "$running" -ne "$stats_containers" ]]; then
    log "$name: $running containers running instead of $stats_containers"
    skip[$name]="$running/$stats_containers started"
  fi
}

# Rows of a `docker stats` table that carry a measurement. The CLI prints a row of "--" for a container whose stats
# call failed or took over 2 s, and exits 0 all the same; zeros mean no data either.
rows_with_data() {
  awk -F '  +' 'NR > 1 && $4 !~ /^--/ && $4 !~ /^0B / { n++ } END { print n + 0 }' "$1"
}

# Fails when no row has data (no stats endpoint); otherwise records how many rows had data for the table.
sample_stats() {
  local name="$1" out="$bench_root/stats-$1.out" ms rows
  ms="$(time_on "$name" "$out" stats --no-stream)" || return 1
  rows="$(rows_with_data "$out")"
  echo "$rows" >>"$bench_root/stats-rows-$name"
  if [[ "$rows" -eq 0 ]]; then
    { echo "$name: docker stats --no-stream printed no row with data:"; head -n 3 "$out"; } >>"$errors_log"
    return 1
  fi
  echo "$ms"
}

# The fewest rows with data any stats run on the daemon got, as "N/total".
stats_rows_cell() {
  local name="$1" file="$bench_root/stats-rows-$1"
  if [[ -n "${skip_reason_stats[$name]:-}" || ! -s "$file" ]]; then
    printf -- '-'
    return
  fi
  printf '%s/%s' "$(sort -n "$file" | head -n 1)" "$stats_containers"
}

# --- run -----------------------------------------------------------------------------------------------------------

start_modulard_and_dockerd

log "exec: $exec_warmups warm-ups + $exec_runs runs each"
for name in "${daemons[@]}"; do prepare_exec "$name"; done
alternate exec "$exec_warmups" "$exec_runs" sample_exec

log "logs: $logs_lines lines, $logs_warmups warm-up + $logs_runs runs each"
for name in "${daemons[@]}"; do prepare_logs "$name"; done
alternate logs "$logs_warmups" "$logs_runs" sample_logs

log "stats: starting $stats_containers sleepers on each"
declare -A skip_reason_stats=()
for name in "${daemons[@]}"; do
  prepare_stats "$name"
  skip_reason_stats[$name]="${skip[$name]:-}"
done
log "stats: $stats_warmups warm-up + $stats_runs runs each"
alternate stats "$stats_warmups" "$stats_runs" sample_stats

row() { printf '| %-46s | %20s | %20s | %6s |\n' "$@"; }

echo
echo "Inside running containers, modulard vs dockerd 20.10 (ms, median; ratio = modulard / dockerd)"
row figure modulard dockerd ratio
table_rule 46 20 20 6
row "exec true (median of $exec_runs)" "${result[exec,modulard]}" "${result[exec,dockerd]}" "$(ratio_cell "${result[exec,modulard]}" "${result[exec,dockerd]}")"
row "stats --no-stream, $stats_containers running (median of $stats_runs)" "${result[stats,modulard]}" "${result[stats,dockerd]}" "$(ratio_cell "${result[stats,modulard]}" "${result[stats,dockerd]}")"
row "  stats rows with data (fewest in a run)" "$(stats_rows_cell modulard)" "$(stats_rows_cell dockerd)" ""
row "logs of $logs_lines lines >/dev/null (median of $logs_runs)" "${result[logs,modulard]}" "${result[logs,dockerd]}" "$(ratio_cell "${result[logs,modulard]}" "${result[logs,dockerd]}")"
echo
echo "Targets: exec and logs below 0.5x dockerd; stats of all $stats_containers under 1000 ms."
echo "The docker CLI adds a fixed 500 ms to stats --no-stream: it prints at the first tick of a 500 ms ticker started"
echo "once every container has answered (or timed out after 2 s, leaving a row of --)."
if [[ -s "$errors_log" ]]; then
  log "some commands failed; first errors:"
  head -n 10 "$errors_log" >&2
fi
