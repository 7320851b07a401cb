#!/usr/bin/env bash
# Builds Modular, installs it on this host, starts the daemon and proves it runs a container.
#
#   ./setup.sh               packages, build, install, start modulard, busybox image, `modular run --rm busybox echo hello`
#   ./setup.sh --build-only  only build artifacts/bin (modulard, driver plugins, the AOT modular CLI)
#   ./setup.sh --deps-only   only install the Debian packages the build and the engine need
#   ./setup.sh --no-build    everything but the build: install and start what artifacts/bin already holds
#
# Safe to re-run: installed packages are skipped, a running daemon is reused, an existing busybox image is kept.
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")"
repo="$(pwd)"
# MODULAR_BIN lets an engineer build a private copy (the e2e tests read the same variable).
bin="${MODULAR_BIN:-$repo/artifacts/bin}"

# runc/crun: OCI runtimes. busybox-static: the offline base image. iptables/nftables: bridge networking.
# btrfs-progs: the btrfs storage driver. docker.io: the reference CLI and dockerd for tests and benchmarks.
# tmux: interactive (-t) checks. clang + zlib1g-dev: Native AOT linking of the modular CLI. tini: --init (/sbin/docker-init).
readonly packages=(runc crun busybox-static iptables nftables btrfs-progs xfsprogs docker.io tmux clang zlib1g-dev docker-registry apache2-utils openssl wrk tini)

readonly config_dir=/etc/modular
readonly log_file=/var/log/modulard.log
readonly pid_file=/run/modulard.pid

log() { printf '==> %s\n' "$*" >&2; }
die() { printf 'setup.sh: %s\n' "$*" >&2; exit 1; }

require_root() {
  [[ "$(id -u)" -eq 0 ]] || die "run as root (it installs packages, mounts and starts a daemon)"
}

is_installed() {
  dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q 'install ok installed'
}

install_packages() {
  local missing=() package
  for package in "${packages[@]}"; do
    is_installed "$package" || missing+=("$package")
  done
  if [[ ${#missing[@]} -eq 0 ]]; then
    log "packages already installed"
    return
  fi
  log "installing ${missing[*]}"
  apt-get update
  # docker.io is here for its binaries; on a systemd host, do not let its postinst start a system-wide dockerd.
  local policy=/usr/sbin/policy-rc.d created_policy=0
  if [[ ! -e "$policy" ]]; then
    printf '#!/bin/sh\ncase "$1" in docker*|containerd*) exit 101 ;; esac\nexit 0\n' >"$policy"
    chmod 0755 "$policy"
    created_policy=1
  fi
  DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends "${missing[@]}" || {
    [[ $created_policy -eq 1 ]] && rm -f "$policy"
    die "apt-get install failed"
  }
  [[ $created_policy -eq 1 ]] && rm -f "$policy"
  return 0
}

assembly_name() {
  local project="$1" name
  name="$(sed -n 's:.*<AssemblyName>\(.*\)</AssemblyName>.*:\1:p' "$project" | head -n1)"
  [[ -n "$name" ]] || name="$(basename "$project" .csproj)"
  printf '%s\n' "$name"
}

publish() {
  dotnet publish "$@" -c Release --nologo -v quiet -clp:NoSummary -clp:ErrorsOnly
}

# Publishes into a staging folder and swaps it in whole: a running modulard keeps its (now unlinked) files
# instead of having them rewritten under it, and a failed build leaves the previous artifacts/bin intact.
build() {
  command -v dotnet >/dev/null || die "the .NET SDK (dotnet) is not on PATH"
  local staging="$bin.staging"
  rm -rf "$staging"
  mkdir -p "$staging/plugins"
  # The staging path is expanded now: the EXIT trap runs after this function's locals are gone.
  trap "rm -rf '$staging'" EXIT

  log "publishing modulard"
  publish kernel/Modular.Daemon -o "$staging"
  local project
  while IFS= read -r project; do
    local name
    name="$(assembly_name "$project")"
    log "publishing driver plugin $name"
    publish "$project" -o "$staging/plugins/$name"
  done < <(find drivers -name '*.csproj' -not -path '*/bin/*' -not -path '*/obj/*' | sort)
  log "publishing modular (Native AOT)"
  publish cli/Modular.Cli -r linux-x64 -o "$staging"
  log "publishing modular-shim (Native AOT)"
  publish kernel/Modular.Shim -r linux-x64 -o "$staging"
  # modular-verify runs the xunit conformance kit for `modular driver verify`; reflection-heavy, so not inside the AOT CLI.
  log "publishing modular-verify"
  publish tools/Modular.Verify -o "$staging/verify"

  [[ -x "$staging/modulard" ]] || die "publish produced no $staging/modulard"
  [[ -x "$staging/modular" ]] || die "publish produced no $staging/modular"
  [[ -x "$staging/modular-shim" ]] || die "publish produced no $staging/modular-shim"
  rm -rf "$bin.old"
  [[ -d "$bin" ]] && mv "$bin" "$bin.old"
  mv "$staging" "$bin"
  trap - EXIT
  rm -rf "$bin.old"
  log "built $bin"
}

install_binaries() {
  ln -sfn "$bin/modulard" /usr/local/bin/modulard
  ln -sfn "$bin/modular" /usr/local/bin/modular
  mkdir -p "$config_dir"
  if [[ ! -e "$config_dir/daemon.json" ]]; then
    # The daemon's own defaults, written out so there is an obvious file to edit.
    cat >"$config_dir/daemon.json" <<'EOF'
{
  "storage-driver": "overlay2",
  "log-driver": "json-file",
  "log-level": "info"
}
EOF
    log "wrote $config_dir/daemon.json"
  fi
}

# Always the default socket: a MODULAR_HOST in the caller's environment must not redirect setup's checks.
cli() { env -u MODULAR_HOST "$bin/modular" "$@"; }

daemon_answers() { timeout 5 "$bin/modular" -H unix:///run/modular.sock version >/dev/null 2>&1; }

running_under_systemd() { [[ -d /run/systemd/system && "$(cat /proc/1/comm 2>/dev/null)" == systemd ]]; }

start_with_systemd() {
  log "installing systemd units"
  getent group docker >/dev/null || groupadd --system docker
  install -m 0644 contrib/systemd/modular.service contrib/systemd/modular.socket /etc/systemd/system/
  systemctl daemon-reload
  systemctl enable --now modular.socket modular.service
}

started_pid=""

start_in_background() {
  local pid
  if [[ -s "$pid_file" ]] && pid="$(cat "$pid_file")" && [[ "$(cat "/proc/$pid/comm" 2>/dev/null)" == modulard ]]; then
    log "modulard (pid $pid) is running but not answering yet; waiting for it"
    return
  fi
  log "starting modulard in the background (log: $log_file)"
  # setsid: the daemon must not die with this shell's session or a Ctrl-C in it.
  setsid nohup /usr/local/bin/modulard --pidfile "$pid_file" </dev/null >>"$log_file" 2>&1 &
  started_pid=$!
}

wait_for_daemon() {
  local deadline=$((SECONDS + 30)) reason="did not answer within 30 s"
  until daemon_answers; do
    if [[ -n "$started_pid" ]] && ! kill -0 "$started_pid" 2>/dev/null; then
      reason="exited during start-up"
    elif ((SECONDS < deadline)); then
      sleep 0.5
      continue
    fi
    echo "setup.sh: modulard $reason; last lines of its log:" >&2
    if running_under_systemd; then
      journalctl -u modular.service -n 40 --no-pager >&2 || true
    else
      tail -n 40 "$log_file" >&2 || true
    fi
    exit 1
  done
}

start_daemon() {
  if daemon_answers; then
    log "modulard already answers on /run/modular.sock; reusing it (restart it to pick up a new build)"
    return
  fi
  if running_under_systemd; then
    start_with_systemd
  else
    start_in_background
  fi
  wait_for_daemon
  log "modulard is up"
}

ensure_busybox() {
  if [[ -n "$(cli images -q busybox:latest 2>/dev/null)" ]]; then
    log "busybox:latest already present"
    return
  fi
  log "building busybox:latest"
  MODULAR_CLI="$bin/modular" MODULAR_HOST=unix:///run/modular.sock contrib/mkimage/busybox.sh
}

smoke_test() {
  local output
  output="$(cli run --rm busybox echo hello)" || die "modular run --rm busybox echo hello failed"
  [[ "$output" == hello ]] || die "expected 'hello' from the container, got '$output'"
  log "modular run --rm busybox echo hello -> $output"
}

main() {
  case "${1:-}" in
    --build-only) build ;;
    --deps-only) require_root; install_packages ;;
    "")
      require_root
      install_packages
      build
      install_binaries
      start_daemon
      ensure_busybox
      smoke_test
      ;;
    --no-build)
      require_root
      install_packages
      [[ -x "$bin/modulard" && -x "$bin/modular" ]] || die "$bin is not built; run ./setup.sh --build-only"
      install_binaries
      start_daemon
      ensure_busybox
      smoke_test
      ;;
    -h | --help) sed -n '2,9p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//' ;;
    *) die "unknown option $1 (see --help)" ;;
  esac
}

main "$@"
