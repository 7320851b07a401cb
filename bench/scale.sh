#!/usr/bin/env bash
# Many containers at once, modulard vs Debian's dockerd 20.10 side by side in one run:
#
#   bench/scale.sh [-n ROUNDS] [--keep-logs]
#
# Figures: engine memory 5 s after work and idle, 130 s after it (RSS and PSS of modulard and its shims; of dockerd and
# its containerd), what the first `docker ps` after that quiet spell takes, 20 `docker run -d`
# at once (3 batches per round, daemons taking turns), engine memory with 100 running `busybox sleep` (RSS and PSS
# summed over the daemon(s) and every shim), `docker ps` with 100 running (7 per round, taking turns), `docker rm -f` of
# the 100 in one call, and `run --rm busybox true` (median of 10). `ps` is also timed with modulard's own CLI,
# `modular ps`, as a user of Modular types it, and with the docker CLI against a replay of modulard's answers (the
# CLI's own cost). Both daemons hold their 100 at the same time. Each figure is the median over ROUNDS rounds
# (default 2). Containers use --network none on both (the private dockerd has no bridge). Everything lives under
# /tmp/modular-bench-scale/ and is swept on exit, also after a failure or Ctrl-C.
# Needs root, artifacts/bin/modulard (./setup.sh --build-only; MODULARD=path overrides), dockerd and a docker CLI.
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."
repo="$(pwd)"
source "$repo/bench/lib.sh"

rounds=2
keep_logs=0
while [[ $# -gt 0 ]]; do
  case "$1" in
    -n) rounds="${2:?-n needs a number}"; shift ;;
    --keep-logs) keep_logs=1 ;;
    -h | --help) sed -n '2,15p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) die "unknown argument $1" ;;
  esac
  shift
done
bench_require_tools
readonly modular_cli="$(dirname "$modulard")/modular"
[[ -x "$modular_cli" ]] || die "no modular CLI next to $modulard (./setup.sh --build-only builds both)"

readonly bench_root=/tmp/modular-bench-scale
readonly sweep="$repo/tests/e2e/sweep-root.sh"
readonly errors_log="$bench_root/errors.log"
readonly daemons=(modulard dockerd)
readonly parallel_runs=20 parallel_batches=3 running_target=100 ps_runs=7 run_rm_warmups=2 run_rm_runs=10
readonly settle_seconds=5
# modulard pages out its mapped code after 2 minutes without work (IdleMemoryTrim); idle is measured past that.
readonly idle_seconds=130
# No step may hang the run: dockerd 20.10 has been seen to stop answering for some containers of a 100-container
# `rm -f` on this machine. A daemon whose step timed out is marked stuck and measured no further.
readonly step_timeout=180
# A file, not a variable: the timed steps run in $(...) subshells.
mark_stuck() { touch "$bench_root/stuck-$1"; }
is_stuck() { [[ -e "$bench_root/stuck-$1" ]]; }

replay_pid=""

# Every container goes before its daemon does: a running `sleep` ignores SIGTERM, so a daemon stopping it on its own
# waits out the stop timeout. INT/TERM are ignored during the cleanup; every step has a timeout.
teardown() {
  local status=$? name
  trap '' INT TERM
  trap - EXIT
  for name in "${!daemon_pid[@]}"; do
    is_stuck "$name" && continue
    remove_all_containers "$name" || log "$name: could not remove every container; the sweep will"
  done
  stop_all_daemons
  [[ -n "$replay_pid" ]] && kill "$replay_pid" 2>/dev/null
  if [[ $keep_logs -eq 1 ]]; then
    mkdir -p "$repo/artifacts/bench"
    cp "$bench_root/modulard/modulard.log" "$repo/artifacts/bench/scale-modulard.log" 2>/dev/null || true
    cp "$bench_root/dockerd/dockerd.log" "$repo/artifacts/bench/scale-dockerd.log" 2>/dev/null || true
  fi
  "$sweep" "$bench_root" || log "teardown left something under $bench_root"
  exit "$status"
}
trap teardown EXIT
trap 'exit 130' INT TERM

"$sweep" "$bench_root" # what a hard-killed earlier run left
mkdir -p "$bench_root"
export DOCKER_CONFIG="$bench_root/docker-config" # no host contexts or plugins influence the CLI
mkdir -p "$DOCKER_CONFIG"

on() {
  local name="$1"
  shift
  DOCKER_HOST="${daemon_host[$name]}" "$docker_cli" "$@"
}

remove_all_containers() {
  local name="$1" ids
  ids="$(DOCKER_HOST="${daemon_host[$name]}" timeout 30 "$docker_cli" ps -aq)" || return 1
  [[ -z "$ids" ]] && return 0
  # shellcheck disable=SC2086 # one id per word
  DOCKER_HOST="${daemon_host[$name]}" timeout "$step_timeout" "$docker_cli" rm -f $ids >/dev/null
}

# --- which processes make up each engine ----------------------------------------------------------------------------

# Processes come and go while /proc is walked: a vanished one is skipped without a word.
comm_of() { local comm; { read -r comm <"/proc/$1/comm"; } 2>/dev/null && printf '%s' "$comm"; }
ppid_of() { local stat; { read -r stat <"/proc/$1/stat"; } 2>/dev/null || return 1; stat="${stat##*) }"; read -r _ ppid _ <<<"$stat"; printf '%s' "$ppid"; }
cmdline_names_root() {
  local args
  { mapfile -d '' args <"/proc/$1/cmdline"; } 2>/dev/null || return 1
  [[ "${args[*]:-}" == *"$bench_root"* ]]
}

# engine_pids DAEMON [idle]: one pid a line. modulard: the daemon and every modular-shim that is its child or names
# the bench root. dockerd: the daemon, its containerd and every containerd-shim-runc-v2 that names the
# bench root (the shims are reparented away from containerd, their -address argument is under our exec-root).
engine_pids() {
  local name="$1" daemon="${daemon_pid[$1]}" proc pid comm
  printf '%s\n' "$daemon"
  for proc in /proc/[0-9]*; do
    pid="${proc#/proc/}"
    comm="$(comm_of "$pid")" || continue
    case "$name:$comm" in
      modulard:modular-shim)
        if [[ "$(ppid_of "$pid")" == "$daemon" ]] || cmdline_names_root "$pid"; then printf '%s\n' "$pid"; fi ;;
      dockerd:containerd)
        cmdline_names_root "$pid" && printf '%s\n' "$pid" ;;
      dockerd:containerd-shim*)
        cmdline_names_root "$pid" && printf '%s\n' "$pid" ;;
    esac
  done
}

# memory_of DAEMON: "<processes> <RSS MiB> <PSS MiB>", summed from /proc/<pid>/smaps_rollup of the engine's processes.
memory_of() {
  local pid files=()
  while IFS= read -r pid; do
    [[ -r "/proc/$pid/smaps_rollup" ]] && files+=("/proc/$pid/smaps_rollup")
  done < <(engine_pids "$1")
  awk -v n="${#files[@]}" '
    /^Rss:/ { rss += $2 }
    /^Pss:/ { pss += $2 }
    END { printf "%d %.1f %.1f\n", n, rss / 1024, pss / 1024 }' "${files[@]}"
}

count_running() { on "$1" ps -q 2>>"$errors_log" | wc -l; }

# --- figures ---------------------------------------------------------------------------------------------------------

declare -A samples=() result=()

add_sample() { samples[$1,$2]+="$3"$'\n'; }

# $parallel_runs `docker run -d` started together; prints the wall time in ms of the slowest, fails if any failed.
parallel_run_ms() {
  local name="$1" round="$2" start end i failed=0 pids=()
  start=$EPOCHREALTIME
  for ((i = 1; i <= parallel_runs; i++)); do
    DOCKER_HOST="${daemon_host[$name]}" timeout "$step_timeout" "$docker_cli" run -d --network none --name "scale-$round-p$i" \
      busybox sleep 3600 >/dev/null 2>>"$errors_log" &
    pids+=($!)
  done
  for i in "${pids[@]}"; do wait "$i" || failed=$((failed + 1)); done
  end=$EPOCHREALTIME
  ((failed == 0)) || { log "$name: $failed of $parallel_runs parallel run -d failed"; return 1; }
  elapsed_ms "$start" "$end"
}

fill_to_target() {
  local name="$1" round="$2"
  seq $((parallel_runs + 1)) "$running_target" | DOCKER_HOST="${daemon_host[$name]}" xargs -P 4 -I '{}' \
    timeout "$step_timeout" "$docker_cli" run -d --network none --name "scale-$round-f{}" busybox sleep 3600 >/dev/null 2>>"$errors_log" || true
}

# time_ms DAEMON ARGS...: milliseconds of one `docker ARGS`; fails (and marks the daemon stuck on a timeout) if it fails.
time_ms() {
  local name="$1" start end status=0
  shift
  start=$EPOCHREALTIME
  DOCKER_HOST="${daemon_host[$name]}" timeout "$step_timeout" "$docker_cli" "$@" >/dev/null 2>>"$errors_log" || status=$?
  if ((status == 124)); then
    echo "$name: docker $1 timed out after $step_timeout s" >>"$errors_log"
    mark_stuck "$name"
  fi
  ((status == 0)) || return 1
  end=$EPOCHREALTIME
  elapsed_ms "$start" "$end"
}

# own_cli_ps_ms: milliseconds of one `modular ps` on modulard. The docker CLI alone takes about 20 ms to start here,
# more than modulard takes to answer, so through it no daemon can reach half of dockerd's figure; a user of Modular
# who types `modular ps` gets this one.
own_cli_ps_ms() { MODULAR_HOST="${daemon_host[modulard]}" command_ms "$modular_cli" ps; }

# command_ms CMD...: milliseconds of one CMD (output dropped, errors logged); fails if CMD fails or times out.
command_ms() {
  local start end
  start=$EPOCHREALTIME
  timeout "$step_timeout" "$@" >/dev/null 2>>"$errors_log" || return 1
  end=$EPOCHREALTIME
  elapsed_ms "$start" "$end"
}

# docker_cli_floor: times `docker ps` $ps_runs times against bench/replay-server.py answering at once with what
# modulard answered (its /_ping and /containers/json, recorded now): the docker CLI's own cost, which no daemon can
# take away from the ps figure.
docker_cli_floor() {
  local socket="${daemon_host[modulard]#unix://}" recorded="$bench_root/replay" replay="$bench_root/replay.sock" i ms
  mkdir -p "$recorded"
  curl -sf --unix-socket "$socket" -D "$recorded/_ping.headers" -o "$recorded/_ping.body" http://localhost/_ping &&
    curl -sf --unix-socket "$socket" -D "$recorded/json.headers" -o "$recorded/json.body" http://localhost/containers/json ||
    { log "could not record modulard's answers for the docker CLI floor"; return 0; }
  rm -f "$replay" # the last round's: its server was killed
  python3 "$repo/bench/replay-server.py" "$replay" "$recorded" &
  replay_pid=$!
  for ((i = 0; i < 50; i++)); do
    [[ -S "$replay" ]] && break
    sleep 0.1
  done
  # The first run warms the replay server; it is not a sample.
  for ((i = 0; i <= ps_runs; i++)); do
    ms="$(DOCKER_HOST="unix://$replay" command_ms "$docker_cli" ps)" || { log "docker ps against the replay failed"; break; }
    ((i > 0)) && add_sample ps_floor modulard "$ms"
  done
  kill "$replay_pid" 2>/dev/null
  wait "$replay_pid" 2>/dev/null || true
  replay_pid=""
}

# One round: 20 at once, $parallel_batches times per daemon with the daemons taking turns (the batches before the last
# removed untimed), then both filled to $running_target, their memory read, `ps` timed taking turns, and `rm -f` of
# all on each. Both daemons hold their 100 at the same time, so load from elsewhere on this shared machine hits both.
one_round() {
  local round="$1" name k i ms running procs rss pss ids
  for ((k = 1; k <= parallel_batches; k++)); do
    for name in "${daemons[@]}"; do
      is_stuck "$name" && continue
      log "$name, round $round: $parallel_runs run -d at once ($k of $parallel_batches)"
      if ms="$(parallel_run_ms "$name" "$round-$k")"; then add_sample parallel "$name" "$ms"; else add_sample parallel_failed "$name" 1; fi
      if ((k < parallel_batches)) && ! remove_all_containers "$name"; then
        log "$name: could not remove the batch; no further figures from it"
        mark_stuck "$name"
      fi
    done
  done
  for name in "${daemons[@]}"; do
    is_stuck "$name" && continue
    fill_to_target "$name" "$round"
    running="$(count_running "$name")"
    if [[ "$running" -ne "$running_target" ]]; then
      log "$name: $running running instead of $running_target"
      add_sample short "$name" "$running"
    fi
  done
  sleep "$settle_seconds"
  for name in "${daemons[@]}"; do
    is_stuck "$name" && continue
    read -r procs rss pss <<<"$(memory_of "$name")"
    log "$name: $procs engine processes, RSS $rss MiB, PSS $pss MiB"
    add_sample procs "$name" "$procs"
    add_sample rss100 "$name" "$rss"
    add_sample pss100 "$name" "$pss"
  done
  for ((i = 0; i < ps_runs; i++)); do
    for name in "${daemons[@]}"; do
      is_stuck "$name" && continue
      if ms="$(time_ms "$name" ps)"; then add_sample ps "$name" "$ms"; fi
    done
    if ! is_stuck modulard && ms="$(own_cli_ps_ms)"; then add_sample ps_own modulard "$ms"; fi
  done
  is_stuck modulard || docker_cli_floor
  for name in "${daemons[@]}"; do
    is_stuck "$name" && continue
    ids="$(on "$name" ps -aq 2>>"$errors_log")"
    log "$name: rm -f of $(wc -w <<<"$ids")"
    # shellcheck disable=SC2086 # one id per word
    if ms="$(time_ms "$name" rm -f $ids)"; then add_sample rmf "$name" "$ms"; else add_sample rmf_failed "$name" 1; fi
    if is_stuck "$name"; then
      log "$name: rm -f did not finish within $step_timeout s; no further figures from it"
      continue
    fi
    [[ -z "$(on "$name" ps -aq 2>>"$errors_log")" ]] || { log "$name: containers left after rm -f"; remove_all_containers "$name" || true; }
  done
}

median_of() { printf '%s' "${samples[$1,$2]:-}" | median; }

ratio() {
  if [[ "$1" =~ ^[0-9.]+$ && "$2" =~ ^[0-9.]+$ ]] && awk -v d="$2" 'BEGIN { exit !(d > 0) }'; then
    awk -v m="$1" -v d="$2" 'BEGIN { printf "%.2f", m / d }'
  else
    printf -- '-'
  fi
}

# --- run -----------------------------------------------------------------------------------------------------------

log "docker CLI: $("$docker_cli" --version)"
log "starting private modulard and dockerd under $bench_root"
start_modulard modulard "$bench_root/modulard" overlay2
start_dockerd dockerd "$bench_root/dockerd"
for name in "${daemons[@]}"; do
  log "$name: importing busybox:latest"
  import_busybox "${daemon_host[$name]}"
  # A fast figure is only worth something if the container really ran.
  output="$(on "$name" run --rm --network none busybox sh -c 'echo ok' 2>&1)" || true
  [[ "$output" == ok ]] || log "WARNING: on $name, 'run --rm busybox sh -c \"echo ok\"' printed '$output'"
done

log "memory ${settle_seconds} s after work"
sleep "$settle_seconds"
for name in "${daemons[@]}"; do
  read -r procs rss pss <<<"$(memory_of "$name")"
  result[idle_procs,$name]=$procs
  result[settled_rss,$name]=$rss
  result[settled_pss,$name]=$pss
done
log "idle memory after $idle_seconds s without a request"
sleep $((idle_seconds - settle_seconds))
for name in "${daemons[@]}"; do
  read -r procs rss pss <<<"$(memory_of "$name")"
  result[idle_rss,$name]=$rss
  result[idle_pss,$name]=$pss
done
# What giving memory back costs: the first request after the quiet spell reads back the code it needs.
for name in "${daemons[@]}"; do
  result[wake_ps,$name]="$(time_ms "$name" ps)" || result[wake_ps,$name]=failed
done

for ((round = 1; round <= rounds; round++)); do
  one_round "$round"
done

log "run --rm busybox true: $run_rm_warmups warm-ups + $run_rm_runs runs each, alternating"
for ((i = 0; i < run_rm_warmups + run_rm_runs; i++)); do
  for name in "${daemons[@]}"; do
    is_stuck "$name" && continue
    if ms="$(time_ms "$name" run --rm --network none busybox true)"; then
      ((i >= run_rm_warmups)) && add_sample runrm "$name" "$ms"
    else
      add_sample runrm_failed "$name" 1
    fi
  done
done

for name in "${daemons[@]}"; do
  for figure in parallel procs rss100 pss100 ps ps_own ps_floor rmf runrm; do
    result[$figure,$name]="$(median_of "$figure" "$name")"
    [[ -n "${result[$figure,$name]}" ]] || result[$figure,$name]="failed"
  done
  for figure in parallel rmf runrm; do
    failures="$(printf '%s' "${samples[${figure}_failed,$name]:-}" | wc -l)"
    ((failures == 0)) || result[$figure,$name]="failed($failures)"
  done
done

row() { printf '| %-44s | %12s | %12s | %6s | %-22s |\n' "$@"; }
line() { printf '|%s|%s|%s|%s|%s|\n' "$(printf -- '-%.0s' {1..46})" "$(printf -- '-%.0s' {1..14})" "$(printf -- '-%.0s' {1..14})" "$(printf -- '-%.0s' {1..8})" "$(printf -- '-%.0s' {1..24})"; }
fig() {
  local label="$1" key="$2" target="$3"
  row "$label" "${result[$key,modulard]}" "${result[$key,dockerd]}" "$(ratio "${result[$key,modulard]}" "${result[$key,dockerd]}")" "$target"
}

echo
echo "Scale, modulard vs dockerd 20.10 (ratio = modulard / dockerd; timings: median ms; memory: MiB)"
row figure modulard dockerd ratio target
line
fig "engine processes, idle" idle_procs ""
fig "engine RSS ${settle_seconds} s after work, MiB" settled_rss ""
fig "engine PSS ${settle_seconds} s after work, MiB" settled_pss ""
fig "engine RSS idle (${idle_seconds} s quiet), MiB" idle_rss "modulard <= 60 MiB"
fig "engine PSS idle (${idle_seconds} s quiet), MiB" idle_pss ""
fig "first ps after the quiet spell, ms (1)" wake_ps ""
fig "$parallel_runs run -d at once, ms" parallel "<= 0.35x"
fig "engine processes, $running_target running" procs ""
fig "engine RSS, $running_target running, MiB" rss100 ""
fig "engine PSS, $running_target running, MiB" pss100 "<= 0.5x"
fig "ps, $running_target running, ms (median of $ps_runs)" ps "<= 0.5x"
# dockerd's own CLI is the docker CLI: its column repeats the row above.
result[ps_own,dockerd]="${result[ps,dockerd]}"
fig "ps, $running_target running, own CLI (modular ps), ms" ps_own "<= 0.5x"
result[ps_floor,dockerd]="${result[ps,dockerd]}"
fig "ps, docker CLI alone (instant replay), ms" ps_floor "(2)"
fig "rm -f of $running_target running, ms" rmf "<= 0.3x"
fig "run --rm busybox true, ms (median of $run_rm_runs)" runrm ""
echo
echo "Rounds: $rounds; run -d at once: $parallel_batches batches a round; figures are medians over every sample."
echo "Processes: modulard + modular-shim; dockerd + containerd + containerd-shim-runc-v2."
echo "(1) One sample: the first docker ps after ${idle_seconds} s without a request (modulard has paged out its mapped code)."
echo "(2) The docker CLI timed against a server that replays modulard's recorded answers at once: no daemon can bring"
echo "    the docker CLI's ps below this; the ratio is to dockerd's ps."
for name in "${daemons[@]}"; do
  [[ -n "${samples[short,$name]:-}" ]] && echo "WARNING: $name did not reach $running_target running in a round: $(printf '%s' "${samples[short,$name]}" | tr '\n' ' ')"
done
if [[ -s "$errors_log" ]]; then
  log "some commands failed; first errors:"
  head -n 10 "$errors_log" >&2
fi
