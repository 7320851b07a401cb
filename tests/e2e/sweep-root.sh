#!/usr/bin/env bash
# Removes every trace of daemons that were run under private temp roots:
#   tests/e2e/sweep-root.sh DIR...
# For each DIR: force-deletes the runc containers whose state lives below it, SIGKILLs every process whose
# command line names DIR (daemons, containerd, shims: the unique path is how we know they are ours; a `runc init`
# by its environment), removes the
# bridges, nftables tables and MODULAR-* iptables chains of the modulard data-roots below it, lazily unmounts everything below it (deepest
# first) and deletes it. Never deletes a DIR that still has mounts.
# Exit status 1 if something could not be cleaned.
set -uo pipefail

status=0

runc_roots_below() {
  # A runc state root holds <id>/state.json; modulard keeps it in <exec-root>/runtime/runc, dockerd elsewhere.
  find "$1" -name state.json -type f 2>/dev/null | xargs -r -n1 dirname | xargs -r -n1 dirname | sort -u
}

delete_runc_containers() {
  local state_root id
  while IFS= read -r state_root; do
    while IFS= read -r id; do
      [[ -n "$id" ]] && timeout 20 runc --root "$state_root" delete -f "$id" >/dev/null 2>&1
    done < <(timeout 20 runc --root "$state_root" list -q 2>/dev/null)
  done < <(runc_roots_below "$1")
}

ancestors() {
  # This script and whoever called it may name DIR in their own arguments; they are not ours to kill.
  local pid=$$ stat
  while [[ "$pid" -gt 1 ]]; do
    printf '%s\n' "$pid"
    read -r stat <"/proc/$pid/stat" || return
    stat="${stat##*) }"
    read -r _ pid _ <<<"$stat"
  done
}

kill_processes_naming() {
  local dir="$1" proc pid args victims=()
  local -A spared=()
  for pid in $(ancestors); do spared[$pid]=1; done
  for proc in /proc/[0-9]*; do
    pid="${proc#/proc/}"
    [[ -n "${spared[$pid]:-}" ]] && continue
    # mapfile is a builtin: no forked helper that itself carries DIR in its arguments.
    mapfile -d '' args <"$proc/cmdline" 2>/dev/null || continue
    [[ "${args[*]:-}" == *"$dir"* ]] && { victims+=("$pid"); continue; }
    # A `runc init` cut off mid-create (no state.json yet, so runc cannot delete it) names DIR only in its environment.
    [[ "${args[0]:-}" == runc && "${args[1]:-}" == init ]] || continue
    mapfile -d '' args <"$proc/environ" 2>/dev/null || continue
    [[ "${args[*]:-}" == *"$dir"* ]] && victims+=("$pid")
  done
  [[ ${#victims[@]} -eq 0 ]] && return
  kill -KILL "${victims[@]}" 2>/dev/null
  local attempt alive
  for attempt in $(seq 50); do
    alive=0
    for pid in "${victims[@]}"; do
      [[ -d "/proc/$pid" ]] && alive=1
    done
    [[ $alive -eq 0 ]] && return
    sleep 0.1
  done
}

mounts_below() {
  # Field 5 of mountinfo is the mount point, with space/tab/newline/backslash as \ooo escapes.
  local dir="$1" mount_point
  while IFS= read -r mount_point; do
    mount_point="$(printf '%b' "$mount_point")"
    [[ "$mount_point" == "$dir" || "$mount_point" == "$dir"/* ]] && printf '%s\n' "$mount_point"
  done < <(awk '{print $5}' /proc/self/mountinfo) |
    awk -F/ '{print NF "\t" $0}' | sort -rn | cut -f2-
}

unmount_below() {
  local dir="$1" pass mount_point
  for pass in 1 2 3 4 5; do
    local any=0
    while IFS= read -r mount_point; do
      any=1
      umount -l "$mount_point" 2>/dev/null
    done < <(mounts_below "$dir")
    [[ $any -eq 0 ]] && return
  done
}

bridges_below() {
  # The bridge interfaces of every modulard data-root below DIR, named as the bridge driver names them.
  find "$1" -path '*/network/networks.json' -type f 2>/dev/null | while IFS= read -r file; do
    python3 -c '
import json, sys
for n in json.load(open(sys.argv[1])):
    if n.get("Driver") == "bridge":
        print(n.get("Options", {}).get("com.docker.network.bridge.name") or "br-" + n["Id"][:12])
' "$file" 2>/dev/null
  done
}

remove_iptables_chains() {
  # firewall-backend iptables: the bridge's MODULAR-*-<bridge> chains and the rules in standard chains jumping to them.
  local bridge="$1" table line chain
  command -v iptables-save >/dev/null || return
  for table in nat filter; do
    while IFS= read -r line; do
      read -r -a rule <<<"$line"
      [[ "${rule[0]:-}" == "-A" && "${rule[1]}" != MODULAR-* && "${rule[-1]}" =~ ^MODULAR-(DNAT|POST|FWD)-"$bridge"$ ]] &&
        iptables -w -t "$table" -D "${rule[@]:1}" 2>/dev/null
    done < <(iptables-save -t "$table" 2>/dev/null)
    for chain in DNAT POST FWD; do
      iptables -w -t "$table" -F "MODULAR-$chain-$bridge" 2>/dev/null && iptables -w -t "$table" -X "MODULAR-$chain-$bridge" 2>/dev/null
    done
  done
}

remove_bridges() {
  # After the processes are gone: the veths died with the containers' namespaces, the bridges and tables remain.
  local bridge
  while IFS= read -r bridge; do
    [[ -z "$bridge" ]] && continue
    [[ -d "/sys/class/net/$bridge" ]] && { ip link del "$bridge" 2>/dev/null || status=1; }
    nft delete table inet "modular-$bridge" 2>/dev/null
    nft delete table ip "modular-$bridge" 2>/dev/null
    remove_iptables_chains "$bridge"
  done < <(bridges_below "$1")
}

sweep() {
  local dir
  dir="$(realpath -m "$1")"
  case "$dir" in
    / | /tmp | /run | /var | /var/lib | /home | /root) echo "sweep-root.sh: refusing to sweep $dir" >&2; status=1; return ;;
  esac
  [[ -e "$dir" ]] || return
  delete_runc_containers "$dir"
  kill_processes_naming "$dir"
  remove_bridges "$dir"
  unmount_below "$dir"
  if [[ -n "$(mounts_below "$dir")" ]]; then
    echo "sweep-root.sh: mounts remain below $dir, leaving it in place:" >&2
    mounts_below "$dir" >&2
    status=1
    return
  fi
  rm -rf --one-file-system "$dir" || status=1
}

for root in "$@"; do
  sweep "$root"
done
exit $status
