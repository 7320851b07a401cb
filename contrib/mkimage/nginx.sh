#!/usr/bin/env bash
# Builds nginx:latest and nginx:alpine offline from Debian's nginx package and imports them into an engine.
#
#   contrib/mkimage/nginx.sh                    import with `modular` (MODULAR_HOST or -H picks the daemon)
#   contrib/mkimage/nginx.sh --docker           import with `docker` (DOCKER_HOST picks the daemon)
#   contrib/mkimage/nginx.sh --output FILE      only write the rootfs tar
#   contrib/mkimage/nginx.sh -H unix:///x.sock  pass a host to the client
#
# The image holds /usr/sbin/nginx from Debian's package, the shared libraries ldd finds for it, the mime types, a
# config like the official image's (port 80, /usr/share/nginx/html, access log to stdout and errors to stderr through
# /var/log/nginx links) and a "Welcome to nginx!" page. It runs `nginx -g 'daemon off;'` in the foreground and stops
# gracefully on SIGQUIT. busybox-static (about 2 MB) provides /bin/sh and wget, so `docker exec C wget -qO- localhost`
# works as curl does in the official Debian-based image; nothing else of a distribution is inside.
set -euo pipefail

repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
source "$repo_root/contrib/mkimage/lib.sh"
tags=(nginx:latest nginx:alpine)

mkimage_parse_args "$@"

mkimage_ensure_package busybox-static

work="$(mktemp -d "${TMPDIR:-/tmp}/modular-nginx.XXXXXX")"
trap 'rm -rf "$work"' EXIT
chmod 0755 "$work" # apt-get download drops privileges to _apt
rootfs="$work/rootfs"
packages="$work/debs"
mkdir -p "$rootfs" "$packages"

# The package is only unpacked here, never installed on the host (its postinst would start a service).
(cd "$packages" && { apt-get download nginx nginx-common >&2 || { apt-get update >&2 && apt-get download nginx nginx-common >&2; }; })
for deb in "$packages"/*.deb; do
  dpkg-deb -x "$deb" "$packages/unpacked"
done
unpacked="$packages/unpacked"

copy_with_parents() {
  local source="$1" target="$rootfs$1"
  mkdir -p "$(dirname "$target")"
  cp -L --preserve=mode "$source" "$target"
}

install -D -m 0755 "$unpacked/usr/sbin/nginx" "$rootfs/usr/sbin/nginx"
# Every library the binary needs, as the host's dynamic loader resolves them (the same Debian release).
missing="$(ldd "$unpacked/usr/sbin/nginx" | awk '/not found/ { print $1 }')"
[[ -z "$missing" ]] || { echo "nginx.sh: libraries not on this host: $missing" >&2; exit 1; }
while read -r library; do
  copy_with_parents "$library"
done < <(ldd "$unpacked/usr/sbin/nginx" | awk '{ for (i = 1; i <= NF; i++) if ($i ~ /^\//) print $i }' | sort -u)
# The binary asks for the loader by its canonical path; with usrmerge that is a link into /usr/lib.
if [[ -e "$rootfs/usr/lib64/ld-linux-x86-64.so.2" && ! -e "$rootfs/lib64" ]]; then
  ln -s usr/lib64 "$rootfs/lib64"
fi
for directory in lib lib64 bin sbin; do
  if [[ -d "$rootfs/$directory" && ! -L "$rootfs/$directory" && -d "$rootfs/usr/$directory" ]]; then
    cp -a "$rootfs/$directory/." "$rootfs/usr/$directory/" && rm -rf "${rootfs:?}/$directory" && ln -s "usr/$directory" "$rootfs/$directory"
  fi
done

install -D -m 0644 "$unpacked/etc/nginx/mime.types" "$rootfs/etc/nginx/mime.types"
mkdir -p "$rootfs/etc/nginx/conf.d" "$rootfs/var/log/nginx" "$rootfs/var/lib/nginx" "$rootfs/var/cache/nginx" \
  "$rootfs/usr/share/nginx/html" "$rootfs/run" "$rootfs/proc" "$rootfs/sys" "$rootfs/dev" "$rootfs/usr/bin"
install -d -m 1777 "$rootfs/tmp"
ln -sf /dev/stdout "$rootfs/var/log/nginx/access.log"
ln -sf /dev/stderr "$rootfs/var/log/nginx/error.log"
ln -s /run "$rootfs/var/run"

cat >"$rootfs/etc/nginx/nginx.conf" <<'CONF'
user  nginx;
worker_processes  auto;

error_log  /var/log/nginx/error.log notice;
pid        /run/nginx.pid;

events {
    worker_connections  1024;
}

http {
    include       /etc/nginx/mime.types;
    default_type  application/octet-stream;

    log_format  main  '$remote_addr - $remote_user [$time_local] "$request" '
                      '$status $body_bytes_sent "$http_referer" '
                      '"$http_user_agent" "$http_x_forwarded_for"';

    access_log  /var/log/nginx/access.log  main;

    sendfile        on;
    keepalive_timeout  65;

    include /etc/nginx/conf.d/*.conf;
}
CONF
cat >"$rootfs/etc/nginx/conf.d/default.conf" <<'CONF'
server {
    listen       80;
    server_name  localhost;

    location / {
        root   /usr/share/nginx/html;
        index  index.html index.htm;
    }

    error_page   500 502 503 504  /50x.html;
    location = /50x.html {
        root   /usr/share/nginx/html;
    }
}
CONF
cat >"$rootfs/usr/share/nginx/html/index.html" <<'HTML'
<!DOCTYPE html>
<html>
<head>
<title>Welcome to nginx!</title>
<style>
html { color-scheme: light dark; }
body { width: 35em; margin: 0 auto;
font-family: Tahoma, Verdana, Arial, sans-serif; }
</style>
</head>
<body>
<h1>Welcome to nginx!</h1>
<p>If you see this page, the nginx web server is successfully installed and
working. Further configuration is required.</p>

<p>For online documentation and support please refer to
<a href="http://nginx.org/">nginx.org</a>.<br/>
Commercial support is available at
<a href="http://nginx.com/">nginx.com</a>.</p>

<p><em>Thank you for using nginx.</em></p>
</body>
</html>
HTML
cat >"$rootfs/usr/share/nginx/html/50x.html" <<'HTML'
<!DOCTYPE html>
<html>
<head>
<title>Error</title>
</head>
<body>
<h1>An error occurred.</h1>
<p>Sorry, the page you are looking for is currently unavailable.<br/>
Please try again later.</p>
</body>
</html>
HTML
cat >"$rootfs/etc/passwd" <<'PASSWD'
root:x:0:0:root:/root:/bin/sh
nginx:x:101:101:nginx user:/nonexistent:/bin/false
nobody:x:65534:65534:nobody:/nonexistent:/bin/false
PASSWD
cat >"$rootfs/etc/group" <<'GROUP'
root:x:0:
nginx:x:101:
nogroup:x:65534:
GROUP
: >"$rootfs/etc/hosts"
: >"$rootfs/etc/hostname"
: >"$rootfs/etc/resolv.conf"
install -d -m 0700 "$rootfs/root"

install -m 0755 /bin/busybox "$rootfs/usr/bin/busybox"
for applet in sh wget cat ls; do
  ln -s busybox "$rootfs/usr/bin/$applet"
done

write_tar() {
  local mtime
  mtime="$(stat -c %Y "$unpacked/usr/sbin/nginx")"
  tar -C "$rootfs" --sort=name --numeric-owner --owner=0 --group=0 --mtime="@$mtime" -c .
}

if [[ -n "$output" ]]; then
  write_tar >"$output"
  echo "nginx.sh: wrote $output" >&2
  exit 0
fi

mkimage_choose_client
version="$(dpkg-deb -f "$(ls "$packages"/nginx_*.deb)" Version)"
import_options=(
  -c 'CMD ["nginx", "-g", "daemon off;"]'
  -c 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin'
  -c "ENV NGINX_VERSION=${version%%-*}"
  -c 'EXPOSE 80'
  -c 'STOPSIGNAL SIGQUIT'
  -m "Debian's nginx $version"
)
write_tar | mkimage_import - >/dev/null
echo "nginx.sh: imported ${tags[*]} (nginx $version) with ${client_cmd[0]}" >&2
