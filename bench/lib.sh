# Shared by the bench/*.sh scripts (sourced, not run): the tools they need, private modulard and dockerd daemons
# on roots of their own, waiting for and stopping them, timing and medians.
#
# After bench_require_tools, these globals are set: repo (the repository root, set by the caller before sourcing),
# modulard (MODULARD overrides artifacts/bin/modulard) and docker_cli (the first `docker` on PATH).
# Each started daemon is recorded by name in daemon_pid and daemon_host.
#
# A script's usual shape: set bench_root, `bench_parse_args "$@"`, bench_require_tools, `bench_begin NAME`, then its
# work; bench_begin's EXIT trap tears everything down.

bench_script="bench/${0##*/}"
sweep="$repo/tests/e2e/sweep-root.sh"
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

# The script's header comment (from line 2 to the first line that is not a comment) is its usage.
bench_usage() { awk 'NR > 1 { if (!/^#/) exit; sub(/^# ?/, ""); print }' "$repo/$bench_script"; }

# The arguments of a bench that takes only --keep-logs (sets keep_logs=1) and -h/--help.
bench_parse_args() {
  keep_logs=0
  while [[ $# -gt 0 ]]; do
    case "$1" in
      --keep-logs) keep_logs=1 ;;
      -h | --help) bench_usage; exit 0 ;;
      *) die "unknown argument $1" ;;
    esac
    shift
  done
}

# bench_begin NAME [CLEANUP]: bench_root becomes the run's own folder, swept first (what a hard-killed earlier run
# left) and on exit by bench_teardown, also after a failure or Ctrl-C. NAME prefixes the logs --keep-logs saves;
# CLEANUP is a function of the script's that releases what it holds besides daemons (run before the first sweep too).
# The docker CLI gets a config folder of its own there, so no host contexts or plugins influence it.
bench_begin() {
  bench_name="$1" bench_cleanup="${2:-}"
  trap bench_teardown EXIT
  trap 'exit 130' INT TERM
  [[ -z "$bench_cleanup" ]] || "$bench_cleanup"
  "$sweep" "$bench_root"
  export DOCKER_CONFIG="$bench_root/docker-config"
  mkdir -p "$bench_root" "$DOCKER_CONFIG"
}

# remove_all_containers NAME [TIMEOUT]: `docker rm -f` of every container the daemon has.
remove_all_containers() {
  local name="$1" timeout="${2:-180}" ids
  ids="$(DOCKER_HOST="${daemon_host[$name]}" timeout 30 "$docker_cli" ps -aq)" || return 1
  [[ -z "$ids" ]] && return 0
  # shellcheck disable=SC2086 # one id per word
  DOCKER_HOST="${daemon_host[$name]}" timeout "$timeout" "$docker_cli" rm -f $ids >/dev/null
}

# The EXIT trap of bench_begin. Every container goes before its daemon does: a running `sleep` ignores SIGTERM, so a
# daemon stopping it on its own waits out the stop timeout, and `docker rm -f` is quicker. Then the daemons, the
# script's CLEANUP, the daemons' logs (with --keep-logs, as artifacts/bench/NAME-<folder>.log) and the sweep. Runs
# with INT/TERM ignored so that a second Ctrl-C cannot cut the cleanup short; every step has a timeout.
bench_teardown() {
  local status=$? name log_file
  trap '' INT TERM
  trap - EXIT
  for name in "${!daemon_pid[@]}"; do
    remove_all_containers "$name" || log "$name: could not remove every container; the sweep will"
  done
  stop_all_daemons
  [[ -z "$bench_cleanup" ]] || "$bench_cleanup"
  if [[ ${keep_logs:-0} -eq 1 ]]; then
    mkdir -p "$repo/artifacts/bench"
    for log_file in "$bench_root"/*/*.log; do
      [[ -e "$log_file" ]] && cp "$log_file" "$repo/artifacts/bench/$bench_name-$(basename "$(dirname "$log_file")").log"
    done
  fi
  "$sweep" "$bench_root" || log "teardown left something under $bench_root"
  exit "$status"
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

# The usual pair under bench_root: modulard (overlay2) and dockerd, each with busybox:latest.
start_modulard_and_dockerd() {
  local name
  log "docker CLI: $("$docker_cli" --version)"
  log "starting private modulard and dockerd under $bench_root"
  start_modulard modulard "$bench_root/modulard" overlay2
  start_dockerd dockerd "$bench_root/dockerd"
  for name in modulard dockerd; do
    log "$name: importing busybox:latest"
    import_busybox "${daemon_host[$name]}"
  done
}

# ratio_cell MODULARD DOCKERD: MODULARD / DOCKERD with two decimals when both are numbers and DOCKERD is not 0, else "-".
ratio_cell() {
  if [[ "$1" =~ ^[0-9.]+$ && "$2" =~ ^[0-9.]+$ ]] && awk -v d="$2" 'BEGIN { exit !(d > 0) }'; then
    awk -v m="$1" -v d="$2" 'BEGIN { printf "%.2f", m / d }'
  else
    printf -- '-'
  fi
}

# table_rule WIDTH...: the |----|----| line under a markdown table header whose cells are WIDTH characters wide.
table_rule() {
  local width
  for width in "$@"; do
    printf '|%s' "$(printf -- '-%.0s' $(seq 1 $((width + 2))))"
  done
  printf '|\n'
}

# build_layered_archive ARCHIVE IMAGE LAYERS MIB: unless ARCHIVE exists, writes a `docker save` archive in the
# legacy layout (manifest.json, repositories, <v1 id>/{VERSION,json,layer.tar}) of IMAGE, whose LAYERS layers each add
# one MIB MiB file of random bytes: incompressible, so no daemon gains by chance. Built next to ARCHIVE.
build_layered_archive() {
  local archive="$1" image="$2" layers="$3" mib="$4" work i
  [[ -s "$archive" ]] && return
  log "building the $((layers * mib)) MiB test image archive $archive"
  work="$(mktemp -d "$(dirname "$archive")/build.XXXXXX")"
  local diff_ids=() layer_paths=() history=() parent="" v1_id diff_id
  for ((i = 0; i < layers; i++)); do
    mkdir -p "$work/rootfs$i/data"
    head -c $((mib * 1024 * 1024)) /dev/urandom >"$work/rootfs$i/data/layer$i.bin"
    tar --sort=name --mtime=@0 --owner=0 --group=0 --numeric-owner -C "$work/rootfs$i" -cf "$work/layer.tar" data
    rm -rf "$work/rootfs$i"
    diff_id="sha256:$(sha256sum "$work/layer.tar" | cut -d' ' -f1)"
    v1_id="$(printf '%s %s' "$parent" "$diff_id" | sha256sum | cut -d' ' -f1)"
    mkdir -p "$work/archive/$v1_id"
    mv "$work/layer.tar" "$work/archive/$v1_id/layer.tar"
    echo 1.0 >"$work/archive/$v1_id/VERSION"
    printf '{"id":"%s"%s}' "$v1_id" "${parent:+,\"parent\":\"$parent\"}" >"$work/archive/$v1_id/json"
    diff_ids+=("\"$diff_id\"")
    layer_paths+=("\"$v1_id/layer.tar\"")
    history+=("{\"created\":\"2026-01-01T00:00:00Z\",\"created_by\":\"storage bench layer $i\"}")
    parent="$v1_id"
  done
  local IFS=,
  printf '{"architecture":"amd64","os":"linux","created":"2026-01-01T00:00:00Z","config":{"Cmd":["/bin/true"]},"rootfs":{"type":"layers","diff_ids":[%s]},"history":[%s]}' \
    "${diff_ids[*]}" "${history[*]}" >"$work/config.json"
  local config_hex
  config_hex="$(sha256sum "$work/config.json" | cut -d' ' -f1)"
  mv "$work/config.json" "$work/archive/$config_hex.json"
  printf '[{"Config":"%s.json","RepoTags":["%s"],"Layers":[%s]}]' "$config_hex" "$image" "${layer_paths[*]}" \
    >"$work/archive/manifest.json"
  printf '{"%s":{"%s":"%s"}}' "${image%%:*}" "${image#*:}" "$parent" >"$work/archive/repositories"
  tar -C "$work/archive" -cf "$work/archive.tar" .
  mv "$work/archive.tar" "$archive"
  rm -rf "$work"
}

# Milliseconds between two EPOCHREALTIME readings (taken by the caller: no fork around the measurement).
elapsed_ms() { awk -v s="$1" -v e="$2" 'BEGIN { printf "%.1f\n", (e - s) * 1000 }'; }

median() { sort -n | awk '{ v[NR] = $1 } END { if (NR == 0) exit; print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
