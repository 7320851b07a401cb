# Shared by the bench/*.sh scripts (sourced, not run): the tools they need, private modulard and dockerd daemons
# on roots of their own, waiting for and stopping them, timing and medians.
#
# After bench_require_tools, these globals are set: repo (the repository root, set by the caller before sourcing),
# modulard (MODULARD overrides artifacts/bin/modulard) and docker_cli (the first `docker` on PATH).
# Each started daemon is recorded by name in daemon_pid and daemon_host.

bench_script="bench/${0##*/}"
declare -A daemon_pid=() daemon_host=()

log() { printf '==> %s\n' "$*" >&2; }

die() {
  printf '%s: %s\n' "$bench_script" "$*" >&2
  exit 1
}

bench_require_tools() {
  [[ "$(id -u)" -eq 0 ]] || die "run as root"
  modulard="${MODULARD:-$repo/artifacts/bin/modulard}"
  [[ -x "$modulard" ]] || die "$modulard missing; run ./setup.sh --build-only"
  command -v dockerd >/dev/null || die "dockerd missing; apt-get install docker.io"
  docker_cli="$(command -v docker)" || die "no docker CLI on PATH"
}

# The driver plugins modulard will find: the folders next to it (what setup.sh --build-only publishes).
modulard_has_plugin() { [[ -f "$(dirname "$modulard")/plugins/$1/$1.dll" ]]; }

# SIGTERM, then SIGKILL after 15 s. Forgets the daemon, so calling it twice is harmless.
stop_daemon() {
  local name="$1" pid="${daemon_pid[$1]:-}"
  unset "daemon_pid[$name]"
  [[ -n "$pid" ]] || return 0
  kill -TERM "$pid" 2>/dev/null || return 0
  local attempt
  for attempt in $(seq 150); do
    kill -0 "$pid" 2>/dev/null || return 0
    sleep 0.1
  done
  log "$name did not stop within 15 s; killing it"
  kill -KILL "$pid" 2>/dev/null || true
}

stop_all_daemons() {
  local name
  for name in "${!daemon_pid[@]}"; do
    stop_daemon "$name"
  done
}

# Returns 1 (after printing the end of its log) when the daemon exits or does not answer within 30 s.
wait_for() {
  local name="$1" log_file="$2" deadline=$((SECONDS + 30))
  until DOCKER_HOST="${daemon_host[$name]}" timeout 5 "$docker_cli" version >/dev/null 2>&1; do
    if ! kill -0 "${daemon_pid[$name]}" 2>/dev/null || ((SECONDS >= deadline)); then
      echo "$bench_script: $name did not come up; last lines of $log_file:" >&2
      tail -n 30 "$log_file" >&2
      stop_daemon "$name"
      return 1
    fi
    sleep 0.2
  done
}

# start_modulard NAME DIR DRIVER [DATA_ROOT]: socket, exec-root, pidfile, log and an empty daemon.json in DIR;
# the data-root is DIR/data unless given (btrfs needs one on a btrfs filesystem).
start_modulard() {
  local name="$1" dir="$2" driver="$3" data_root="${4:-$2/data}"
  mkdir -p "$dir"
  echo '{}' >"$dir/daemon.json"
  daemon_host[$name]="unix://$dir/modulard.sock"
  "$modulard" -H "${daemon_host[$name]}" --data-root "$data_root" --exec-root "$dir/exec" --pidfile "$dir/modulard.pid" \
    --config-file "$dir/daemon.json" --storage-driver "$driver" </dev/null >"$dir/modulard.log" 2>&1 &
  daemon_pid[$name]=$!
  wait_for "$name" "$dir/modulard.log"
}

# start_dockerd NAME DIR: Debian's dockerd 20.10 with overlay2 and everything of its own in DIR.
start_dockerd() {
  local name="$1" dir="$2" namespace
  mkdir -p "$dir"
  echo '{}' >"$dir/daemon.json"
  daemon_host[$name]="unix://$dir/docker.sock"
  # The containerd namespaces (named after the bench root) keep it apart from a system containerd, should one be
  # running and be picked up.
  namespace="$(basename "$(dirname "$dir")")"
  # No bridge, no iptables, no ip_forward/masquerade: it must not touch the host's networking.
  dockerd -H "${daemon_host[$name]}" --data-root "$dir/data" --exec-root "$dir/exec" --pidfile "$dir/docker.pid" \
    --config-file "$dir/daemon.json" --storage-driver overlay2 \
    --bridge none --iptables=false --ip-forward=false --ip-masq=false \
    --containerd-namespace "$namespace" --containerd-plugins-namespace "$namespace-plugins" \
    </dev/null >"$dir/dockerd.log" 2>&1 &
  daemon_pid[$name]=$!
  wait_for "$name" "$dir/dockerd.log"
}

# The same reproducible busybox:latest layer for every daemon.
import_busybox() {
  DOCKER_HOST="$1" "$repo/contrib/mkimage/busybox.sh" --docker >/dev/null
}

# Milliseconds between two EPOCHREALTIME readings (taken by the caller: no fork around the measurement).
elapsed_ms() { awk -v s="$1" -v e="$2" 'BEGIN { printf "%.1f\n", (e - s) * 1000 }'; }

median() { sort -n | awk '{ v[NR] = $1 } END { if (NR == 0) exit; print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
