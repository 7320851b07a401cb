#!/usr/bin/env bash
# Storage drivers side by side: modulard with vfs, overlay2 and btrfs (on a loop-mounted btrfs data-root) against
# Debian's dockerd 20.10 with overlay2, one daemon at a time, in one run.
#
#   bench/storage.sh [--keep-logs]
#
# Figures: `docker load` throughput of an 8-layer, 256 MiB image of random data (median of 3), `docker create
# busybox true` time (median of 20) and the disk 100 created containers take in the driver's folder (du -sx),
# plus what is left of it once they are removed. Everything lives under /tmp/modular-bench-storage/ and is
# swept on exit, even after a failure or an interrupt; the image archive is cached in /tmp/modular-bench-storage-cache/.
# Needs root, artifacts/bin/modulard (./setup.sh --build-only; MODULARD=path overrides), dockerd and a docker CLI.
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."
repo="$(pwd)"
source "$repo/bench/lib.sh"

readonly bench_root=/tmp/modular-bench-storage
bench_parse_args "$@"
bench_require_tools

readonly cache_dir=/tmp/modular-bench-storage-cache
readonly btrfs_image="$bench_root/btrfs.img"
readonly btrfs_mount="$bench_root/btrfs-fs"
readonly bench_image=modular-storage-bench:latest
readonly layer_count=8
readonly layer_mib=32
readonly load_runs=3
readonly create_runs=20
readonly container_count=100
loop_device=""

# Unmounts the btrfs data-root and detaches its loop device, including ones a hard-killed earlier run left.
release_btrfs() {
  if mountpoint -q "$btrfs_mount" 2>/dev/null; then
    "$sweep" "$btrfs_mount" || log "could not unmount $btrfs_mount"
  fi
  [[ -n "$loop_device" ]] && { losetup -d "$loop_device" || log "could not detach $loop_device"; }
  loop_device=""
  local device
  if [[ -e "$btrfs_image" ]]; then
    for device in $(losetup -j "$btrfs_image" -O NAME -n 2>/dev/null); do
      losetup -d "$device" || log "could not detach $device"
    done
    rm -f "$btrfs_image"
  fi
}

bench_begin storage release_btrfs
mkdir -p "$cache_dir"

# --- measurements (each prints one number, or fails) ------------------------------------------------------------

# MB/s (10^6 bytes of layer data per second) of `docker load`, median of $load_runs, the image removed between runs.
measure_load() {
  local host="$1" archive="$2" i start end samples=""
  for ((i = 0; i < load_runs; i++)); do
    sync # the previous run's dirty pages must not be written back on this run's clock
    start=$EPOCHREALTIME
    DOCKER_HOST="$host" "$docker_cli" load -q -i "$archive" >/dev/null || return 1
    end=$EPOCHREALTIME
    samples+="$(elapsed_ms "$start" "$end")"$'\n'
    DOCKER_HOST="$host" "$docker_cli" rmi "$bench_image" >/dev/null || return 1
  done
  printf '%s' "$samples" | median | awk -v bytes=$((layer_count * layer_mib * 1024 * 1024)) '{ printf "%.0f\n", bytes / 1e6 / ($1 / 1000) }'
}

# Milliseconds of `docker create busybox true`, median of $create_runs after 2 warm-ups; each one removed untimed.
measure_create() {
  local host="$1" i id start end samples=""
  for ((i = 0; i < create_runs + 2; i++)); do
    start=$EPOCHREALTIME
    id="$(DOCKER_HOST="$host" "$docker_cli" create --network none busybox true)" || return 1
    end=$EPOCHREALTIME
    ((i >= 2)) && samples+="$(elapsed_ms "$start" "$end")"$'\n'
    DOCKER_HOST="$host" "$docker_cli" rm "$id" >/dev/null || return 1
  done
  printf '%s' "$samples" | median
}

# Bytes the folder takes on disk. -x keeps a running container's mounted rootfs from being counted twice; on btrfs
# it would also skip every subvolume (each has its own device number), so there the walk crosses them.
disk_bytes() {
  local folder="$1" filesystem="$2" one_filesystem=-x
  [[ -n "$filesystem" ]] && one_filesystem=""
  sync
  du -s $one_filesystem --block-size=1 "$folder" | cut -f1
}

# Bytes a btrfs filesystem reports used, once the subvolumes deleted so far are really gone (btrfs cleans them up
# in the background).
btrfs_used_bytes() {
  btrfs subvolume sync "$1" >/dev/null
  btrfs filesystem sync "$1" >/dev/null
  df --output=used --block-size=1 "$1" | tail -n 1 | tr -d ' '
}

# Prints "<MB for $container_count containers> <MB left after removing them>" of the driver folder by du, and for
# btrfs (FILESYSTEM given) the same two figures of the filesystem's used space.
measure_disk() {
  local host="$1" folder="$2" filesystem="$3" before after removed fs_before=0 fs_after=0 fs_removed=0 ids=() i id
  before="$(disk_bytes "$folder" "$filesystem")"
  [[ -n "$filesystem" ]] && fs_before="$(btrfs_used_bytes "$filesystem")"
  for ((i = 0; i < container_count; i++)); do
    id="$(DOCKER_HOST="$host" "$docker_cli" create --network none busybox true)" || return 1
    ids+=("$id")
  done
  after="$(disk_bytes "$folder" "$filesystem")"
  [[ -n "$filesystem" ]] && fs_after="$(btrfs_used_bytes "$filesystem")"
  DOCKER_HOST="$host" "$docker_cli" rm "${ids[@]}" >/dev/null || return 1
  removed="$(disk_bytes "$folder" "$filesystem")"
  [[ -n "$filesystem" ]] && fs_removed="$(btrfs_used_bytes "$filesystem")"
  awk -v b="$before" -v a="$after" -v r="$removed" -v fb="$fs_before" -v fa="$fs_after" -v fr="$fs_removed" \
    'BEGIN { printf "%.1f %.2f %.1f %.2f\n", (a - b) / 1e6, (r - b) / 1e6, (fa - fb) / 1e6, (fr - fb) / 1e6 }'
}

# --- one column per target ------------------------------------------------------------------------------------

declare -A result=()
targets=(vfs overlay2 btrfs dockerd)
declare -A column_title=([vfs]="vfs" [overlay2]="overlay2" [btrfs]="btrfs" [dockerd]="dockerd overlay2")
btrfs_note=""

mark_all() {
  local target="$1" text="$2" figure
  for figure in load create disk removed; do result[$target,$figure]="$text"; done
}

prepare_btrfs() {
  if ! modulard_has_plugin Modular.Storage.Btrfs; then
    target_reason="not installed"
    return 1
  fi
  if ! command -v mkfs.btrfs >/dev/null || ! { grep -qw btrfs /proc/filesystems || modprobe btrfs 2>/dev/null; }; then
    target_reason="unavailable: no btrfs-progs or kernel module"
    return 1
  fi
  truncate -s 4G "$btrfs_image"
  mkfs.btrfs -q "$btrfs_image" >/dev/null
  loop_device="$(losetup --find --show "$btrfs_image")"
  mkdir -p "$btrfs_mount"
  mount -t btrfs "$loop_device" "$btrfs_mount" || { target_reason="could not mount btrfs"; return 1; }
}

# Starts the target's daemon and sets target_folder to the driver folder whose disk use is measured; on failure
# sets target_reason instead. Not in a subshell: the daemon it starts must stay recorded in daemon_pid.
start_target() {
  local target="$1" dir="$bench_root/$1" data_root="$bench_root/$1/data"
  target_folder="" target_reason=""
  case "$target" in
    dockerd)
      start_dockerd dockerd "$dir" || { target_reason="failed to start"; return 1; }
      target_folder="$data_root/overlay2"
      return
      ;;
    btrfs)
      prepare_btrfs || return 1
      data_root="$btrfs_mount/data"
      ;;
    *) modulard_has_plugin "Modular.Storage.${target^}" || { target_reason="not installed"; return 1; } ;;
  esac
  start_modulard "$target" "$dir" "$target" "$data_root" || { target_reason="failed to start"; return 1; }
  local driver
  driver="$(DOCKER_HOST="${daemon_host[$target]}" "$docker_cli" info --format '{{.Driver}}')"
  [[ "$driver" == "$target" ]] || { target_reason="daemon chose $driver"; return 1; }
  target_folder="$data_root/storage/$target"
}

# Fills result[target,*]; a failed step marks what it could not measure and moves on to the next target.
bench_target() {
  local target="$1" host value disk=() archive="$cache_dir/storage-bench-${layer_count}x${layer_mib}MiB.tar"
  log "$target: starting"
  if start_target "$target"; then
    host="${daemon_host[$target]}"
    if ! import_busybox "$host"; then
      mark_all "$target" "import failed"
    else
      log "$target: docker load x$load_runs"
      value="$(measure_load "$host" "$archive")" || value="failed"
      result[$target,load]="$value"
      log "$target: docker create x$((create_runs + 2))"
      value="$(measure_create "$host")" || value="failed"
      result[$target,create]="$value"
      log "$target: $container_count containers"
      local filesystem=""
      [[ "$target" == btrfs ]] && filesystem="$btrfs_mount"
      if value="$(measure_disk "$host" "$target_folder" "$filesystem")"; then
        read -r -a disk <<<"$value"
        result[$target,disk]="${disk[0]}"
        result[$target,removed]="${disk[1]}"
        if [[ "$target" == btrfs ]]; then
          # du counts the extents every snapshot shares with its parent once per snapshot: the filesystem knows better.
          result[$target,disk]="${disk[2]}"
          result[$target,removed]="${disk[3]}"
          btrfs_note="btrfs: disk figures are the filesystem's used space (df after btrfs subvolume sync); du, which counts shared extents once per snapshot, says ${disk[0]} MB for the $container_count containers and ${disk[1]} MB left after removal."
        fi
      else
        result[$target,disk]="failed"
        result[$target,removed]="failed"
      fi
    fi
  else
    log "$target: $target_reason"
    mark_all "$target" "$target_reason"
  fi
  stop_daemon "$target"
  # Free the disk before the next target and leave nothing of this one running.
  [[ "$target" == btrfs ]] && release_btrfs
  "$sweep" "$bench_root/$target" || log "$target: sweep left something"
}

# --- run ---------------------------------------------------------------------------------------------------------

log "docker CLI: $("$docker_cli" --version)"
build_layered_archive "$cache_dir/storage-bench-${layer_count}x${layer_mib}MiB.tar" "$bench_image" "$layer_count" "$layer_mib"
for target in "${targets[@]}"; do
  bench_target "$target"
done

zfs_status="unavailable: no zfs kernel module"
if [[ -d /sys/module/zfs ]] || modprobe -n zfs 2>/dev/null; then
  zfs_status="not benchmarked: it needs a zpool"
fi

# A modulard cell gets its ratio to dockerd when both are numbers, except for the near-zero leftovers.
cell() {
  local target="$1" figure="$2" value="${result[$1,$2]}" reference="${result[dockerd,$2]}"
  if [[ "$target" != dockerd && "$figure" != removed && "$value" =~ ^-?[0-9.]+$ && "$reference" =~ ^[0-9.]+$ ]] && awk -v r="$reference" 'BEGIN { exit !(r > 0) }'; then
    value="$(awk -v v="$value" -v r="$reference" 'BEGIN { printf "%s (%.2fx)", v, v / r }')"
  fi
  printf '%s' "$value"
}

row() {
  local label="$1" figure="$2" target
  printf '| %-44s |' "$label"
  for target in "${targets[@]}"; do
    printf ' %-18s |' "$(cell "$target" "$figure")"
  done
  printf '\n'
}

echo
echo "Storage drivers, modulard vs dockerd 20.10 (ratio = modulard / dockerd)"
printf '| %-44s |' figure
for target in "${targets[@]}"; do printf ' %-18s |' "${column_title[$target]}"; done
printf '\n|%s|' "$(printf -- '-%.0s' {1..46})"
for target in "${targets[@]}"; do printf '%s|' "$(printf -- '-%.0s' {1..20})"; done
printf '\n'
row "docker load ${layer_count}x${layer_mib} MiB, MB/s (higher=better)" load
row "docker create busybox true, ms" create
row "disk of $container_count created containers, MB" disk
row "disk left after removing them, MB" removed
echo
echo "zfs: $zfs_status"
[[ -n "$btrfs_note" ]] && echo "$btrfs_note"
echo "Disk is du -s of the driver folder (modulard: <data-root>/storage/<driver>, dockerd: <data-root>/overlay2), -x but for btrfs."
