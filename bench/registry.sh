#!/usr/bin/env bash
# Registry push and pull side by side: modulard against Debian's dockerd 20.10, both talking to Debian's
# docker-registry (distribution 2.8) on 127.0.0.1, in one run.
#
#   bench/registry.sh [--keep-logs]
#
# The image: 8 layers of 32 MiB random data each (256 MiB, incompressible). dockerd loads the cached hand-built
# archive and `docker save`s it; that save tar is what both engines start from (and what the `load` figure
# measures). Each engine pushes the image to an empty registry (storage wiped before every push, so no blob is
# skipped or mounted), then removes it and pulls it back. Figures are MB/s (10^6 bytes of layer data per second),
# one timed run each, and the ratio modulard/dockerd. Everything lives under /tmp/modular-bench-registry/ and is
# swept on exit. Needs root, artifacts/bin/modulard (MODULARD=path overrides), dockerd, docker-registry, a docker CLI.
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."
repo="$(pwd)"
source "$repo/bench/lib.sh"

readonly bench_root=/tmp/modular-bench-registry
bench_parse_args "$@"
bench_require_tools
command -v docker-registry >/dev/null || die "docker-registry missing; apt-get install docker-registry"

readonly cache_dir=/tmp/modular-bench-storage-cache
readonly bench_image=modular-storage-bench:latest
readonly layer_count=8
readonly layer_mib=32
readonly image_bytes=$((layer_count * layer_mib * 1024 * 1024))
registry_pid=""
registry_port=""

stop_registry() {
  [[ -n "$registry_pid" ]] || return 0
  kill -TERM "$registry_pid" 2>/dev/null || true
  wait "$registry_pid" 2>/dev/null || true
  registry_pid=""
}

bench_begin registry stop_registry
mkdir -p "$cache_dir"

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

# A fresh, empty registry (new storage folder) on a fresh port: nothing an earlier push left can be skipped.
start_registry() {
  stop_registry
  local dir="$bench_root/registry"
  rm -rf "$dir/storage"
  mkdir -p "$dir/storage"
  registry_port="$(free_port)"
  cat >"$dir/config.yml" <<YAML
version: 0.1
log:
  level: warn
storage:
  filesystem:
    rootdirectory: $dir/storage
  delete:
    enabled: true
http:
  addr: 127.0.0.1:$registry_port
YAML
  docker-registry serve "$dir/config.yml" >>"$dir/registry.log" 2>&1 &
  registry_pid=$!
  local deadline=$((SECONDS + 15))
  until curl -fsS "http://127.0.0.1:$registry_port/v2/" >/dev/null 2>&1; do
    ((SECONDS < deadline)) || die "docker-registry did not answer on 127.0.0.1:$registry_port"
    sleep 0.1
  done
}


mbps() { awk -v bytes="$image_bytes" -v ms="$1" 'BEGIN { printf "%.0f\n", bytes / 1e6 / (ms / 1000) }'; }

# timed HOST COMMAND...: runs the docker CLI against HOST, prints milliseconds; fails (with its output) if it does.
timed() {
  local host="$1" start end output
  shift
  sync
  start=$EPOCHREALTIME
  output="$(DOCKER_HOST="$host" "$docker_cli" "$@" 2>&1)" || { printf '%s\n' "$output" >&2; return 1; }
  end=$EPOCHREALTIME
  elapsed_ms "$start" "$end"
}

# measure NAME HOST: load (untimed for dockerd), push to an empty registry, rmi, pull; sets load/push/pull MB/s.
measure() {
  local name="$1" host="$2" target ms
  ms="$(timed "$host" load -q -i "$save_tar")"
  load_mbps[$name]="$(mbps "$ms")"
  start_registry
  target="127.0.0.1:$registry_port/bench-$name:latest"
  DOCKER_HOST="$host" "$docker_cli" tag "$bench_image" "$target"
  ms="$(timed "$host" push "$target")"
  push_mbps[$name]="$(mbps "$ms")"
  DOCKER_HOST="$host" "$docker_cli" rmi "$target" "$bench_image" >/dev/null
  ms="$(timed "$host" pull "$target")"
  pull_mbps[$name]="$(mbps "$ms")"
  pushed[$name]="$target"
}

declare -A load_mbps=() push_mbps=() pull_mbps=() pushed=()
archive="$cache_dir/storage-bench-${layer_count}x${layer_mib}MiB.tar"
# The archive bench/storage.sh uses (same cache), so both benches measure the same bytes.
build_layered_archive "$archive" "$bench_image" "$layer_count" "$layer_mib"

start_dockerd dockerd "$bench_root/dockerd"
start_modulard modulard "$bench_root/modulard" overlay2

save_tar="$bench_root/saved-by-dockerd.tar"
DOCKER_HOST="${daemon_host[dockerd]}" "$docker_cli" load -q -i "$archive" >/dev/null
DOCKER_HOST="${daemon_host[dockerd]}" "$docker_cli" save -o "$save_tar" "$bench_image"
DOCKER_HOST="${daemon_host[dockerd]}" "$docker_cli" rmi "$bench_image" >/dev/null

log "dockerd: load, push, pull"
measure dockerd "${daemon_host[dockerd]}"
log "modulard: load, push, pull"
measure modulard "${daemon_host[modulard]}"

# Interop on the way: dockerd pulls what modulard pushed (the registry still holds it).
interop="ok"
DOCKER_HOST="${daemon_host[dockerd]}" "$docker_cli" pull -q "${pushed[modulard]}" >/dev/null 2>&1 || interop="FAILED"

ratio() { awk -v m="$1" -v d="$2" 'BEGIN { if (d > 0) printf "%.2f", m / d; else print "n/a" }'; }
printf '\n%-10s %12s %12s %12s\n' "" "push MB/s" "pull MB/s" "load MB/s"
for name in dockerd modulard; do
  printf '%-10s %12s %12s %12s\n' "$name" "${push_mbps[$name]}" "${pull_mbps[$name]}" "${load_mbps[$name]}"
done
printf '%-10s %12s %12s %12s\n' "ratio" "$(ratio "${push_mbps[modulard]}" "${push_mbps[dockerd]}")" \
  "$(ratio "${pull_mbps[modulard]}" "${pull_mbps[dockerd]}")" "$(ratio "${load_mbps[modulard]}" "${load_mbps[dockerd]}")"
printf '\n%d layers x %d MiB of random data; dockerd pulling the image modulard pushed: %s\n' "$layer_count" "$layer_mib" "$interop"
