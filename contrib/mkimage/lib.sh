# Shared by the contrib/mkimage/*.sh image builders (sourced, not run): usage, host packages and the import into an
# engine. The sourcing script sets repo_root, client (modular or docker) and host (empty or a -H value), and before
# mkimage_import tags (the first is imported, the others tagged from it) and import_options (import's -c/-m flags).

mkimage_name="${0##*/}"

# The script's header comment (from line 2 to the first line that is not a comment) is its usage.
mkimage_usage() { awk 'NR > 1 { if (!/^#/) exit; sub(/^# ?/, ""); print }' "$0"; }

# Installs a Debian package on the host unless it is there, refreshing apt's lists only when the first try fails.
mkimage_ensure_package() {
  dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q 'install ok installed' && return 0
  echo "$mkimage_name: installing $1" >&2
  DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends "$1" >&2 \
    || { apt-get update >&2 && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends "$1" >&2; }
}

# Sets client_cmd and host_args from client and host: docker; else MODULAR_CLI, the repository's
# artifacts/bin/modular or `modular` on PATH.
mkimage_choose_client() {
  host_args=()
  [[ -n "$host" ]] && host_args=(-H "$host")
  if [[ "$client" == docker ]]; then
    client_cmd=(docker)
  elif [[ -n "${MODULAR_CLI:-}" ]]; then
    client_cmd=("$MODULAR_CLI")
  elif [[ -x "$repo_root/artifacts/bin/modular" ]]; then
    client_cmd=("$repo_root/artifacts/bin/modular")
  else
    client_cmd=(modular)
  fi
}

# mkimage_import SOURCE: after mkimage_choose_client, `import`s SOURCE (a tar file, or - for stdin) as ${tags[0]},
# then tags it as each other tag.
mkimage_import() {
  local extra
  "${client_cmd[@]}" "${host_args[@]}" import "${import_options[@]}" "$1" "${tags[0]}"
  for extra in "${tags[@]:1}"; do
    "${client_cmd[@]}" "${host_args[@]}" tag "${tags[0]}" "$extra"
  done
}
