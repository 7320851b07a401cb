#!/usr/bin/env bash
# Networking side by side: a private modulard (bridge driver, its own bridge) against Debian's dockerd 20.10 on a
# bridge of its own (never docker0), in one run.
#
#   bench/network.sh [-n RUNS] [-d SECONDS] [--keep-logs]
#
# Figures: `docker run --rm busybox true` on the default bridge network (median of RUNS, alternating daemons),
# wrk requests/s and p99 latency through a published port on 127.0.0.1 to the nginx image of contrib/mkimage/nginx.sh
# (SECONDS each, 2 threads, 32 connections; its access log goes to the container's log as in the official image), and
# the time from `docker run -d -p` returning to the first successful HTTP answer from nginx (median of 5).
# Everything lives under /tmp/modular-bench-network/ and is swept on exit, with both bridges, our nftables tables
# and, when they did not exist before, the iptables tables dockerd created.
# Needs root, artifacts/bin/modulard (MODULARD=path overrides), dockerd, a docker CLI, wrk and curl.
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."
repo="$(pwd)"

runs=20
duration=10
keep_logs=0
while [[ $# -gt 0 ]]; do
  case "$1" in
    -n) runs="${2:?-n needs a number}"; shift ;;
    -d) duration="${2:?-d needs seconds}"; shift ;;
    --keep-logs) keep_logs=1 ;;
    -h | --help) sed -n '2,12p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "bench/network.sh: unknown argument $1" >&2; exit 2 ;;
  esac
  shift
done

source "$repo/bench/lib.sh"
bench_require_tools
command -v wrk >/dev/null || die "wrk missing; apt-get install wrk (setup.sh installs it)"
command -v curl >/dev/null || die "curl missing"

readonly bench_root=/tmp/modular-bench-network
readonly sweep="$repo/tests/e2e/sweep-root.sh"
readonly modular_bridge=mbench0
readonly docker_bridge=dbench0
readonly docker_bip=10.214.0.1/24
readonly modular_port=18081
readonly docker_port=18082
"$sweep" "$bench_root"
mkdir -p "$bench_root/modulard" "$bench_root/dockerd"
export DOCKER_CONFIG="$bench_root/docker-config"
mkdir -p "$DOCKER_CONFIG"
iptables_tables_before="$(nft list tables 2>/dev/null | grep -E '^table ip (filter|nat)$' || true)"

teardown() {
  local status=$?
  trap - EXIT INT TERM
  for name in modulard dockerd; do
    [[ -n "${daemon_host[$name]:-}" ]] && DOCKER_HOST="${daemon_host[$name]}" "$docker_cli" rm -f bench-web >/dev/null 2>&1
  done
  stop_daemon modulard
  stop_daemon dockerd
  if [[ $keep_logs -eq 1 ]]; then
    mkdir -p "$repo/artifacts/bench"
    cp "$bench_root"/*/*.log "$repo/artifacts/bench/" 2>/dev/null || true
  fi
  "$sweep" "$bench_root" || log "teardown left something under $bench_root"
  for bridge in "$modular_bridge" "$docker_bridge"; do
    ip link del "$bridge" 2>/dev/null || true
  done
  nft delete table ip "modular-$modular_bridge" 2>/dev/null || true
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
  local name="$1" port="$2" start end
  cli "$name" run -d --name bench-web -p "127.0.0.1:$port:80" nginx >/dev/null
  start=$EPOCHREALTIME
  until curl -fsS -o /dev/null --max-time 1 "http://127.0.0.1:$port/index.html" 2>/dev/null; do :; done
  end=$EPOCHREALTIME
  cli "$name" rm -f bench-web >/dev/null
  elapsed_ms "$start" "$end"
}

declare -A run_times=() first_times=()
for name in modulard dockerd; do time_run "$name" >/dev/null; done # warm-up
for ((i = 0; i < runs; i++)); do
  for name in modulard dockerd; do
    run_times[$name]+="$(time_run "$name") "
  done
done
for ((i = 0; i < 5; i++)); do
  first_times[modulard]+="$(time_first_request modulard "$modular_port") "
  first_times[dockerd]+="$(time_first_request dockerd "$docker_port") "
done

declare -A rps=() p99=()
for name in modulard dockerd; do
  port=$([[ $name == modulard ]] && echo "$modular_port" || echo "$docker_port")
  cli "$name" run -d --name bench-web -p "127.0.0.1:$port:80" nginx >/dev/null
  until curl -fsS -o /dev/null --max-time 1 "http://127.0.0.1:$port/index.html" 2>/dev/null; do sleep 0.05; done
  output="$(wrk -t2 -c32 -d"${duration}s" --latency "http://127.0.0.1:$port/index.html")"
  rps[$name]="$(awk '/^Requests\/sec:/ { print $2 }' <<<"$output")"
  p99[$name]="$(awk '$1 == "99%" { print $2 }' <<<"$output")"
  cli "$name" rm -f bench-web >/dev/null
done

med() { tr ' ' '\n' <<<"$1" | grep -v '^$' | median; }
m_run="$(med "${run_times[modulard]}")"; d_run="$(med "${run_times[dockerd]}")"
m_first="$(med "${first_times[modulard]}")"; d_first="$(med "${first_times[dockerd]}")"
printf '\n%-44s %12s %12s %8s\n' "figure" "modulard" "dockerd" "ratio"
printf '%-44s %12s %12s %8s\n' "run --rm busybox true, bridge (ms, median)" "$m_run" "$d_run" "$(awk -v a="$m_run" -v b="$d_run" 'BEGIN { printf "%.2f", a / b }')"
printf '%-44s %12s %12s %8s\n' "published port 127.0.0.1, nginx, wrk req/s" "${rps[modulard]}" "${rps[dockerd]}" "$(awk -v a="${rps[modulard]}" -v b="${rps[dockerd]}" 'BEGIN { printf "%.2f", a / b }')"
printf '%-44s %12s %12s\n' "published port 127.0.0.1, nginx, wrk p99" "${p99[modulard]}" "${p99[dockerd]}"
printf '%-44s %12s %12s %8s\n' "run -d to first HTTP 200 (ms, median of 5)" "$m_first" "$d_first" "$(awk -v a="$m_first" -v b="$d_first" 'BEGIN { printf "%.2f", a / b }')"
