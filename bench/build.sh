#!/usr/bin/env bash
# The classic builder, modulard vs Debian's dockerd 20.10 side by side in one run:
#
#   bench/build.sh [--keep-logs]
#
# A Dockerfile with FROM busybox, ENV, WORKDIR, a COPY of 200 files, 3 RUN steps and CMD, built with
# `DOCKER_BUILDKIT=0 docker build --network none`. Figures: the cold build (`--no-cache`, the base image present;
# median of 3 after 1 warm-up) and the fully cached rebuild (median of 5 after 1 warm-up). The daemons alternate run
# by run. Everything lives under /tmp/modular-bench-build/ and is swept on exit, also after a failure or Ctrl-C.
# Needs root, artifacts/bin/modulard (./setup.sh --build-only; MODULARD=path overrides), dockerd and a docker CLI.
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."
repo="$(pwd)"
source "$repo/bench/lib.sh"

readonly bench_root=/tmp/modular-bench-build
bench_parse_args "$@"
bench_require_tools

readonly errors_log="$bench_root/errors.log"
readonly context="$bench_root/context"
readonly daemons=(modulard dockerd)
readonly cold_warmups=1 cold_runs=3 cached_warmups=1 cached_runs=5 files=200

bench_begin build
mkdir -p "$context/files"
export DOCKER_BUILDKIT=0

for i in $(seq 1 "$files"); do
  printf 'file %s\n' "$i" >"$context/files/file-$i.txt"
done
cat >"$context/Dockerfile" <<'DOCKERFILE'
FROM busybox
ENV APP_HOME=/app
WORKDIR /app
COPY files/ /app/files/
RUN ls /app/files | wc -l > /app/count
RUN echo built > /app/built
RUN cat /app/count /app/built > /app/summary
CMD ["cat", "/app/summary"]
DOCKERFILE

# time_build DAEMON ARGS...: milliseconds of one build; fails when the CLI fails or the image does not hold the
# 200 files.
time_build() {
  local name="$1" start end
  shift
  start=$EPOCHREALTIME
  # stderr always holds the CLI's deprecation notice for the legacy builder: keep it only when the build fails.
  DOCKER_HOST="${daemon_host[$name]}" "$docker_cli" build -q --network none -t bench-build "$@" "$context" >/dev/null 2>"$bench_root/build-$name.err" || {
    cat "$bench_root/build-$name.err" >>"$errors_log"
    return 1
  }
  end=$EPOCHREALTIME
  elapsed_ms "$start" "$end"
}

declare -A result=()

measure() {
  local figure="$1" warmups="$2" runs="$3" i name sample
  shift 3
  local -A samples=() failures=()
  for ((i = 0; i < warmups + runs; i++)); do
    for name in "${daemons[@]}"; do
      if sample="$(time_build "$name" "$@")"; then
        ((i >= warmups)) && samples[$name]+="$sample"$'\n'
      else
        failures[$name]=$((${failures[$name]:-0} + 1))
      fi
    done
  done
  for name in "${daemons[@]}"; do
    if [[ ${failures[$name]:-0} -gt 0 || -z "${samples[$name]:-}" ]]; then
      result[$figure,$name]="failed(${failures[$name]:-0})"
    else
      result[$figure,$name]="$(printf '%s' "${samples[$name]}" | median)"
    fi
  done
}

check_image() {
  local name="$1" output
  output="$(DOCKER_HOST="${daemon_host[$name]}" "$docker_cli" run --rm --network none bench-build 2>>"$errors_log")" || true
  [[ "$output" == "$files"$'\n'"built" ]] || log "$name: the built image printed '$output', not '$files' and 'built'"
}

start_modulard_and_dockerd

log "cold builds (--no-cache): $cold_warmups warm-up + $cold_runs runs each"
measure cold "$cold_warmups" "$cold_runs" --no-cache
log "cached rebuilds: $cached_warmups warm-up + $cached_runs runs each"
measure cached "$cached_warmups" "$cached_runs"
for name in "${daemons[@]}"; do check_image "$name"; done

row() { printf '| %-46s | %12s | %12s | %6s |\n' "$@"; }

echo
echo "Classic builder, modulard vs dockerd 20.10 (ms, median; ratio = modulard / dockerd)"
row figure modulard dockerd ratio
table_rule 46 12 12 6
row "cold build, --no-cache (median of $cold_runs)" "${result[cold,modulard]}" "${result[cold,dockerd]}" "$(ratio_cell "${result[cold,modulard]}" "${result[cold,dockerd]}")"
row "cached rebuild (median of $cached_runs)" "${result[cached,modulard]}" "${result[cached,dockerd]}" "$(ratio_cell "${result[cached,modulard]}" "${result[cached,dockerd]}")"
echo
echo "Targets: cold at most 0.7x dockerd; cached no slower than dockerd."
if [[ -s "$errors_log" ]]; then
  log "some commands failed; first errors:"
  head -n 10 "$errors_log" >&2
fi
