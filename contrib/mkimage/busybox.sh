#!/usr/bin/env bash
# Builds busybox:latest offline from Debian's busybox-static and imports it into an engine.
#
#   contrib/mkimage/busybox.sh                    import with `modular` (MODULAR_HOST or -H picks the daemon)
#   contrib/mkimage/busybox.sh --docker           import with `docker` (DOCKER_HOST picks the daemon)
#   contrib/mkimage/busybox.sh --output FILE      only write the rootfs tar
#   contrib/mkimage/busybox.sh -H unix:///x.sock  pass a host to the client
#   contrib/mkimage/busybox.sh --tag NAME:TAG     another repository/tag (default busybox:latest)
#
# The modular client is MODULAR_CLI if set, else the repository's artifacts/bin/modular, else `modular` on PATH.
# The tar is reproducible (sorted, numeric root owner, mtimes of the busybox binary), so importing twice
# yields the same layer.
set -euo pipefail

repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
source "$repo_root/contrib/mkimage/lib.sh"
tag="busybox:latest"
mkimage_value_options[--tag]="tag NAME:TAG"

mkimage_parse_args "$@"

# The dynamic `busybox` package also ships /bin/busybox, but the image has no libc: it must be the static one.
mkimage_ensure_package busybox-static
busybox=/bin/busybox

work="$(mktemp -d "${TMPDIR:-/tmp}/modular-busybox.XXXXXX")"
trap 'rm -rf "$work"' EXIT
rootfs="$work/rootfs"

build_rootfs() {
  mkdir -p "$rootfs/bin"
  install -m 0755 "$busybox" "$rootfs/bin/busybox"
  local applet
  while read -r applet; do
    [[ -z "$applet" || "$applet" == bin/busybox ]] && continue
    mkdir -p "$rootfs/$(dirname "$applet")"
    ln -sf /bin/busybox "$rootfs/$applet"
  done < <("$busybox" --list-full)

  # Mount points and bind targets the runtime fills in; present so nothing has to be created at start.
  mkdir -p "$rootfs"/{proc,sys,dev,etc,home,var/spool/mail,var/www,usr/local/bin,usr/local/sbin}
  install -d -m 0700 "$rootfs/root"
  install -d -m 1777 "$rootfs/tmp"
  : >"$rootfs/etc/hosts"
  : >"$rootfs/etc/hostname"
  : >"$rootfs/etc/resolv.conf"
  cat >"$rootfs/etc/passwd" <<'EOF'
root:x:0:0:root:/root:/bin/sh
nobody:x:65534:65534:nobody:/home:/bin/false
EOF
  cat >"$rootfs/etc/group" <<'EOF'
root:x:0:
nobody:x:65534:
EOF
  chmod 0644 "$rootfs/etc/passwd" "$rootfs/etc/group"
}

write_tar() {
  local mtime
  mtime="$(stat -c %Y "$busybox")"
  tar -C "$rootfs" --sort=name --numeric-owner --owner=0 --group=0 --mtime="@$mtime" -c .
}

build_rootfs

if [[ -n "$output" ]]; then
  write_tar >"$output"
  echo "busybox.sh: wrote $output" >&2
  exit 0
fi

mkimage_choose_client
tags=("$tag")
import_options=(-c 'CMD ["sh"]' -c 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin')
write_tar | mkimage_import -
echo "busybox.sh: imported $tag with ${client_cmd[0]}" >&2
