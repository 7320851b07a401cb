#!/usr/bin/env bash
# Networking and the container-output path side by side: a private modulard (bridge driver, its own bridge) against
# Debian's dockerd 20.10 on a bridge of its own (never docker0), in one run.
#
#   bench/network.sh [-n RUNS] [-d SECONDS] [-w PASSES] [--keep-logs]
#
# Figures: `docker run --rm busybox true` on the default bridge network (median of RUNS, alternating daemons); the
# time from `docker run -d -p` returning to the first HTTP 200 from nginx (median of 5); and wrk (2 threads,
# 32 connections, SECONDS each, median of PASSES alternating daemons) against the nginx image of
# contrib/mkimage/nginx.sh, whose access log goes to the container's stdout (one log line per request), in four
# setups: published on 127.0.0.1 with the default json-file log driver, the same with --log-driver none, the
# container's bridge address (no port mapping), and --network host (no bridge, no mapping). With each wrk figure:
# p99 latency and the engine's CPU per request (daemon, shims, proxies; not nginx).
# Everything lives under /tmp/modular-bench-network/ and is swept on exit, with both bridges, our nftables tables
# and, when they did not exist before, the iptables tables dockerd created.
# Needs root, artifacts/bin/modulard (MODULARD=path overrides), dockerd, a docker CLI; installs wrk and curl if missing.
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."
repo="$(pwd)"

runs=20
duration=10
passes=1
keep_logs=0
while [[ $# -gt 0 ]]; do
  case "$1" in
    -n) runs="${2:?-n needs a number}"; shift ;;
    -d) duration="${2:?-d needs seconds}"; shift ;;
    -w) passes="${2:?-w needs a number}"; shift ;;
    --keep-logs) keep_logs=1 ;;
    -h | --help) sed -n '2,16p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "bench/network.sh: unknown argument $1" >&2; exit 2 ;;
  esac
  shift
done

source "$repo/bench/lib.sh"
bench_require_tools
for tool in wrk curl; do
  if ! command -v "$tool" >/dev/null; then
    log "installing $tool"
    DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends "$tool" >/dev/null || die "apt-get install $tool failed"
  fi
done

readonly bench_root=/tmp/modular-bench-network
readonly sweep="$repo/tests/e2e/sweep-root.sh"
readonly modular_bridge=mbench0
readonly docker_bridge=dbench0
readonly docker_bip=10.214.0.1/24
declare -A published_port=([modulard]=18081 [dockerd]=18082)
"$sweep" "$bench_root"
mkdir -p "$bench_root/modulard" "$bench_root/dockerd"
export DOCKER_CONFIG="$bench_root/docker-config"
mkdir -p "$DOCKER_CONFIG"
iptables_tables_before="$(nft list tables 2>/dev/null | grep -E '^table ip (filter|nat)$' || true)"
load_before="$(cut -d' ' -f1-3 /proc/loadavg)"

teardown() {
  local status=$?
  trap - EXIT INT TERM
  for name in modulard dockerd; do
    [[ -n "${daemon_host[$name]:-}" ]] && DOCKER_HOST="${daemon_host[$name]}" "$docker_cli" rm -f bench-web >/dev/null 2>&1
  done
  stop_all_daemons
  if [[ $keep_logs -eq 1 ]]; then
    mkdir -p "$repo/artifacts/bench"
    cp "$bench_root"/*/*.log "$repo/artifacts/bench/" 2>/dev/null || true
  fi
  "$sweep" "$bench_root" || log "teardown left something under $bench_root"
  for bridge in "$modular_bridge" "$docker_bridge"; do
    ip link del "$bridge" 2>/dev/null || true
  done
  nft delete table ip "modular-$modular_bridge" 2>/dev/null || true
  nft delete table inet "modular-$modular_bridge" 2>/dev/null || true
  # dockerd (iptables-nft) leaves its chains, and a FORWARD policy of DROP, behind: remove what it created.
  for table in filter nat; do
    if ! grep -q "table ip $table\$" <<<"$iptables_tables_before"; then
      nft delete table ip "$table" 2>/dev/null || true
    fi
  done
  exit $status
}
trap teardown EXIT INT TERM

log "starting modulard ($modulard) with bridge $modular_bridge"
echo '{}' >"$bench_root/modulard/daemon.json"
daemon_host[modulard]="unix://$bench_root/modulard/modulard.sock"
"$modulard" -H "${daemon_host[modulard]}" --data-root "$bench_root/modulard/data" --exec-root "$bench_root/modulard/exec" \
  --pidfile "$bench_root/modulard/modulard.pid" --config-file "$bench_root/modulard/daemon.json" --bridge "$modular_bridge" \
  </dev/null >"$bench_root/modulard/modulard.log" 2>&1 &
daemon_pid[modulard]=$!
wait_for modulard "$bench_root/modulard/modulard.log"

log "starting dockerd with bridge $docker_bridge ($docker_bip)"
ip link add "$docker_bridge" type bridge
ip addr add "$docker_bip" dev "$docker_bridge"
ip link set "$docker_bridge" up
echo '{}' >"$bench_root/dockerd/daemon.json"
daemon_host[dockerd]="unix://$bench_root/dockerd/docker.sock"
dockerd -H "${daemon_host[dockerd]}" --data-root "$bench_root/dockerd/data" --exec-root "$bench_root/dockerd/exec" \
  --pidfile "$bench_root/dockerd/docker.pid" --config-file "$bench_root/dockerd/daemon.json" --storage-driver overlay2 \
  --bridge "$docker_bridge" --containerd-namespace modular-bench-network --containerd-plugins-namespace modular-bench-network-plugins \
  </dev/null >"$bench_root/dockerd/dockerd.log" 2>&1 &
daemon_pid[dockerd]=$!
wait_for dockerd "$bench_root/dockerd/dockerd.log"

for name in modulard dockerd; do
  import_busybox "${daemon_host[$name]}"
done
# dockerd 20.10's import refuses nginx.sh's STOPSIGNAL change, so dockerd loads the image modulard saves: the same
# image (same id) on both sides.
"$repo/contrib/mkimage/nginx.sh" --docker -H "${daemon_host[modulard]}" >/dev/null 2>"$bench_root/modulard/nginx-import.log" \
  || die "importing the nginx image into modulard failed: $(cat "$bench_root/modulard/nginx-import.log")"
DOCKER_HOST="${daemon_host[modulard]}" "$docker_cli" save nginx:latest | DOCKER_HOST="${daemon_host[dockerd]}" "$docker_cli" load >/dev/null

cli() { DOCKER_HOST="${daemon_host[$1]}" "$docker_cli" "${@:2}"; }

wait_for_http() {
  local url="$1" deadline=$((SECONDS + 30))
  until curl -fsS -o /dev/null --max-time 1 "$url" 2>/dev/null; do
    ((SECONDS < deadline)) || die "no answer from $url within 30 s"
  done
}

# One `run --rm busybox true` in milliseconds.
time_run() {
  local start end
  start=$EPOCHREALTIME
  cli "$1" run --rm busybox true >/dev/null
  end=$EPOCHREALTIME
  elapsed_ms "$start" "$end"
}

# Milliseconds from `run -d -p` returning to the first 200 from the published port.
time_first_request() {
  local name="$1" port="${published_port[$1]}" start end
  cli "$name" run -d --name bench-web -p "127.0.0.1:$port:80" nginx >/dev/null
  start=$EPOCHREALTIME
  until curl -fsS -o /dev/null --max-time 1 "http://127.0.0.1:$port/index.html" 2>/dev/null; do :; done
  end=$EPOCHREALTIME
  cli "$name" rm -f bench-web >/dev/null
  elapsed_ms "$start" "$end"
}

# Clock ticks (utime + stime) used so far by the engine's processes: the daemon and everything of its own
# (containerd, shims, userland proxies: whatever names the daemon's root in its command line or is the daemon's
# child), but not the container's nginx.
engine_ticks() {
  local name="$1" daemon="${daemon_pid[$1]}" total=0 stat pid comm rest
  for stat in /proc/[0-9]*/stat; do
    pid="${stat#/proc/}"
    pid="${pid%/stat}"
    read -r rest 2>/dev/null <"$stat" || continue
    comm="${rest#*(}"
    comm="${comm%%)*}"
    [[ "$comm" == nginx ]] && continue
    rest="${rest##*) }"
    # shellcheck disable=SC2086
    set -- $rest
    # After the command name: state, ppid, ..., utime (12th), stime (13th).
    if [[ "$pid" == "$daemon" || "$2" == "$daemon" ]] || tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -q "$bench_root/$name/"; then
      total=$((total + ${12} + ${13}))
    fi
  done
  echo "$total"
}

# Clock ticks used so far by the processes of container bench-web (nginx: its master and workers).
container_ticks() {
  local root pid total=0 fields
  root="$(cli "$1" inspect -f '{{.State.Pid}}' bench-web)"
  for pid in "$root" $(pgrep -P "$root"); do
    read -r -a fields 2>/dev/null <"/proc/$pid/stat" || continue
    # nginx's command name has no spaces, so the fields are plain: utime is the 14th, stime the 15th.
    total=$((total + fields[13] + fields[14]))
  done
  echo "$total"
}

# wrk's latency text (850.00us, 21.60ms, 1.02s) in milliseconds.
to_ms() {
  awk -v t="$1" 'BEGIN {
    if (t ~ /us$/) { sub(/us$/, "", t); printf "%.2f", t / 1000 }
    else if (t ~ /ms$/) { sub(/ms$/, "", t); printf "%.2f", t }
    else if (t ~ /s$/) { sub(/s$/, "", t); printf "%.2f", t * 1000 }
    else print "?" }'
}

declare -A run_times=() first_times=()
for name in modulard dockerd; do time_run "$name" >/dev/null; done # warm-up
for ((i = 0; i < runs; i++)); do
  for name in modulard dockerd; do
    run_times[$name]+="$(time_run "$name") "
  done
done
for ((i = 0; i < 5; i++)); do
  for name in modulard dockerd; do
    first_times[$name]+="$(time_first_request "$name") "
  done
done

readonly ticks_per_second="$(getconf CLK_TCK)"
readonly setups=(published none direct host)
declare -A setup_title=(
  [published]="-p 127.0.0.1, json-file"
  [none]="-p 127.0.0.1, --log-driver none"
  [direct]="container address, json-file"
  [host]="--network host, json-file"
)
declare -A rps=() p99=() cpu=() cpu_nginx=() cpu_wrk=()

# CPU microseconds per request from a tick count.
per_request() { awk -v t="$1" -v hz="$ticks_per_second" -v n="$2" 'BEGIN { printf "%.1f", t / hz * 1e6 / n }'; }

# One wrk run of SETUP against NAME's nginx: appends req/s, p99 (ms) and CPU per request (us) of the engine, of
# nginx and of wrk.
measure() {
  local name="$1" setup="$2" port="${published_port[$1]}" url output requests engine_before engine_after nginx_before nginx_after
  local wrk_user wrk_system
  case "$setup" in
    published) cli "$name" run -d --name bench-web -p "127.0.0.1:$port:80" nginx >/dev/null
      url="http://127.0.0.1:$port/index.html" ;;
    none) cli "$name" run -d --name bench-web --log-driver none -p "127.0.0.1:$port:80" nginx >/dev/null
      url="http://127.0.0.1:$port/index.html" ;;
    direct) cli "$name" run -d --name bench-web nginx >/dev/null
      url="http://$(cli "$name" inspect -f '{{.NetworkSettings.IPAddress}}' bench-web)/index.html" ;;
    host) cli "$name" run -d --name bench-web --network host nginx >/dev/null
      url="http://127.0.0.1:80/index.html" ;;
  esac
  wait_for_http "$url"
  engine_before="$(engine_ticks "$name")"
  nginx_before="$(container_ticks "$name")"
  # `times` in the same subshell: the CPU wrk used, as its last line.
  output="$(wrk -t2 -c32 -d"${duration}s" --latency "$url"; times)"
  nginx_after="$(container_ticks "$name")"
  engine_after="$(engine_ticks "$name")"
  cli "$name" rm -f bench-web >/dev/null
  requests="$(awk '/requests in/ { print $1 }' <<<"$output")"
  rps[$name,$setup]+="$(awk '/^Requests\/sec:/ { print $2 }' <<<"$output") "
  p99[$name,$setup]+="$(to_ms "$(awk '$1 == "99%" { print $2 }' <<<"$output")") "
  cpu[$name,$setup]+="$(per_request $((engine_after - engine_before)) "$requests") "
  cpu_nginx[$name,$setup]+="$(per_request $((nginx_after - nginx_before)) "$requests") "
  read -r wrk_user wrk_system < <(tail -n1 <<<"$output" | awk '{ for (i = 1; i <= 2; i++) { split($i, p, /[ms]/); printf "%s ", p[1] * 60 + p[2] }; print "" }')
  cpu_wrk[$name,$setup]+="$(awk -v u="$wrk_user" -v s="$wrk_system" -v n="$requests" 'BEGIN { printf "%.1f", (u + s) * 1e6 / n }') "
}

host_port_80_free=1
if ss -Hltn 'sport = :80' | grep -q .; then
  host_port_80_free=0
  log "something listens on the host's port 80: skipping the --network host figures"
fi
for ((pass = 0; pass < passes; pass++)); do
  for setup in "${setups[@]}"; do
    [[ $setup == host && $host_port_80_free -eq 0 ]] && continue
    for name in modulard dockerd; do
      log "wrk pass $((pass + 1))/$passes: $name, ${setup_title[$setup]}"
      measure "$name" "$setup"
    done
  done
done
load_after="$(cut -d' ' -f1-3 /proc/loadavg)"

med() { tr ' ' '\n' <<<"$1" | grep -v '^$' | median; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (a == "" || b == "" || b == 0) print "-"; else printf "%.2f", a / b }'; }
row() { printf '%-58s %12s %12s %8s\n' "$1" "$2" "$3" "$(ratio "$2" "$3")"; }

printf '\n%-58s %12s %12s %8s\n' "figure" "modulard" "dockerd" "ratio"
row "run --rm busybox true, bridge (ms, median of $runs)" "$(med "${run_times[modulard]}")" "$(med "${run_times[dockerd]}")"
row "run -d -p to first HTTP 200 (ms, median of 5)" "$(med "${first_times[modulard]}")" "$(med "${first_times[dockerd]}")"
for setup in "${setups[@]}"; do
  [[ -n "${rps[modulard,$setup]:-}" ]] || continue
  row "nginx req/s, ${setup_title[$setup]}" "$(med "${rps[modulard,$setup]}")" "$(med "${rps[dockerd,$setup]}")"
  row "  p99 ms" "$(med "${p99[modulard,$setup]}")" "$(med "${p99[dockerd,$setup]}")"
  row "  engine CPU per request (us)" "$(med "${cpu[modulard,$setup]}")" "$(med "${cpu[dockerd,$setup]}")"
  row "  nginx + wrk CPU per request (us)" \
    "$(awk -v a="$(med "${cpu_nginx[modulard,$setup]}")" -v b="$(med "${cpu_wrk[modulard,$setup]}")" 'BEGIN { printf "%.1f", a + b }')" \
    "$(awk -v a="$(med "${cpu_nginx[dockerd,$setup]}")" -v b="$(med "${cpu_wrk[dockerd,$setup]}")" 'BEGIN { printf "%.1f", a + b }')"
done
printf '\n(CPU per request is what each part used during the wrk run divided by the requests served; it does not\n'
printf 'depend on what else the machine runs, unlike req/s and p99. 2 cores / (engine + nginx + wrk) bounds req/s.)\n' 
printf '\nwrk -t2 -c32 -d%ss, median of %s pass(es); %s CPUs; load average %s before, %s after\n' \
  "$duration" "$passes" "$(nproc)" "$load_before" "$load_after"
