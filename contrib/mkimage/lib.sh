# Shared by the contrib/mkimage/*.sh image builders (sourced, not run): usage, host packages and the import into an
# engine. The sourcing script sets repo_root first; mkimage_parse_args sets client (modular or docker), output (empty or
# a file) and host (empty or a -H value). Before mkimage_import the script sets tags (the first is imported, the others
# tagged from it) and import_options (import's -c/-m flags).

mkimage_name="${0##*/}"
client=modular
output=""
host=""
# Options of the script's own that take a value: "--option" -> "variable HINT" (HINT names the value in the error).
declare -A mkimage_value_options=()

# The script's header comment (from line 2 to the first line that is not a comment) is its usage.
mkimage_usage() { awk 'NR > 1 { if (!/^#/) exit; sub(/^# ?/, ""); print }' "$0"; }

# The options every builder takes (--docker, --output FILE, -H/--host HOST, -h/--help) and those in
# mkimage_value_options; anything else is an error (status 2).
mkimage_parse_args() {
  local variable hint
  while [[ $# -gt 0 ]]; do
    case "$1" in
      --docker) client=docker ;;
      --output) output="${2:?--output needs a file}"; shift ;;
      -H | --host) host="${2:?$1 needs a host}"; shift ;;
      -h | --help) mkimage_usage; exit 0 ;;
      *)
        if [[ -z "${mkimage_value_options[$1]:-}" ]]; then
          echo "$mkimage_name: unknown argument $1" >&2
          mkimage_usage >&2
          exit 2
        fi
        read -r variable hint <<<"${mkimage_value_options[$1]}"
        printf -v "$variable" '%s' "${2:?$1 needs $hint}"
        shift
        ;;
    esac
    shift
  done
}

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
