#!/usr/bin/env bash
# Builds debian:bookworm (and debian:latest) with debootstrap --variant=minbase and imports it into an engine.
#
#   contrib/mkimage/debian.sh                    import with `modular` (MODULAR_HOST or -H picks the daemon)
#   contrib/mkimage/debian.sh --docker           import with `docker` (DOCKER_HOST picks the daemon)
#   contrib/mkimage/debian.sh --output FILE      only write the rootfs tar
#   contrib/mkimage/debian.sh -H unix:///x.sock  pass a host to the client
#   contrib/mkimage/debian.sh --tag NAME:TAG     another repository/tag (default debian:bookworm, also tagged debian:latest)
#   contrib/mkimage/debian.sh --mirror URL       the Debian mirror (default: the one apt uses here, else deb.debian.org)
#
# Needs root and debootstrap (installed with apt-get when missing). The rootfs is cached under
# ${MODULAR_MKIMAGE_CACHE:-/var/cache/modular-mkimage} so a second run only imports it again.
set -euo pipefail

repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
source "$repo_root/contrib/mkimage/lib.sh"
tag="debian:bookworm"
mirror=""
suite=bookworm
cache="${MODULAR_MKIMAGE_CACHE:-/var/cache/modular-mkimage}"
mkimage_value_options[--tag]="tag NAME:TAG"
mkimage_value_options[--mirror]="mirror a URL"

mkimage_parse_args "$@"

[[ $EUID -eq 0 ]] || { echo "debian.sh: debootstrap needs root" >&2; exit 1; }

# The mirror apt already uses on this host (deb822 .sources or one-line .list), so no other network access is needed.
apt_mirror() {
  local uri
  uri="$(cat /etc/apt/sources.list.d/*.sources 2>/dev/null | awk '/^URIs:/ { for (i = 2; i <= NF; i++) print $i }' \
    | grep -E '/debian/?$' | head -n1 || true)"
  if [[ -z "$uri" ]]; then
    uri="$(cat /etc/apt/sources.list /etc/apt/sources.list.d/*.list 2>/dev/null | awk '$1 == "deb" { for (i = 2; i <= NF; i++) if ($i ~ /^https?:/) { print $i; break } }' \
      | grep -E '/debian/?$' | head -n1 || true)"
  fi
  echo "${uri:-http://deb.debian.org/debian}"
}
[[ -n "$mirror" ]] || mirror="$(apt_mirror)"

command -v debootstrap >/dev/null || mkimage_ensure_package debootstrap

mkdir -p "$cache"
tarball="$cache/debian-$suite-minbase.tar"
if [[ ! -s "$tarball" ]]; then
  work="$(mktemp -d "$cache/build.XXXXXX")"
  trap 'rm -rf "$work"' EXIT
  rootfs="$work/rootfs"
  echo "debian.sh: debootstrap --variant=minbase $suite from $mirror" >&2
  debootstrap --variant=minbase "$suite" "$rootfs" "$mirror" >&2

  # What Debian's official image does to stay small and container-friendly.
  chroot "$rootfs" apt-get clean
  rm -rf "$rootfs"/var/lib/apt/lists/* "$rootfs"/var/cache/apt/*.bin "$rootfs"/var/log/*.log "$rootfs"/var/log/apt/* \
    "$rootfs"/tmp/* "$rootfs"/var/tmp/*
  cat >"$rootfs/usr/sbin/policy-rc.d" <<'POLICY'
#!/bin/sh
# Services are not started inside image builds.
exit 101
POLICY
  chmod 0755 "$rootfs/usr/sbin/policy-rc.d"
  rm -f "$rootfs/etc/apt/sources.list"
  cat >"$rootfs/etc/apt/sources.list.d/debian.sources" <<SOURCES
Types: deb
URIs: $mirror
Suites: $suite $suite-updates
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
SOURCES
  : >"$rootfs/etc/hostname"
  : >"$rootfs/etc/resolv.conf"
  # A fixed machine id would be shared by every container; systemd-less images leave it empty.
  : >"$rootfs/etc/machine-id"

  tar -C "$rootfs" --sort=name --numeric-owner --xattrs --xattrs-include='security.capability' -cf "$work/rootfs.tar" .
  mv "$work/rootfs.tar" "$tarball"
fi

if [[ -n "$output" ]]; then
  cp "$tarball" "$output"
  echo "debian.sh: wrote $output" >&2
  exit 0
fi

mkimage_choose_client
tags=("$tag")
[[ "$tag" == debian:bookworm ]] && tags+=(debian:latest)
import_options=(
  -c 'CMD ["bash"]'
  -c 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin'
  -m "debootstrap --variant=minbase $suite $mirror"
)
mkimage_import "$tarball" >/dev/null
echo "debian.sh: imported $tag with ${client_cmd[0]}" >&2
