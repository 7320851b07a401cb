#!/usr/bin/env bash
# Runs every test suite of Modular and ends with one line: `N passed, N failed[, N skipped]`.
#
#   ./test.sh            packages (if missing), build artifacts/bin and the test projects, run all suites
#
# Each suite is an xunit.v3 executable run directly. A suite that does not build, crashes, times out or exits
# non-zero without reporting a failure counts as one failed test. Exit status is non-zero if anything failed.
# Everything a suite leaves under this run's temp root (daemons, containers, mounts) is swept at the end.
set -uo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")"
repo="$(pwd)"

readonly configuration=Release
readonly suites=(
  tests/Modular.Sdk.Tests
  tests/Modular.Kernel.Tests
  tests/Modular.Cli.Tests
  tests/conformance/Modular.Conformance.Tests
  tests/e2e/Modular.E2E.Tests
  plugins-sample/Acme.Logging.Sqlite.Tests
)
# The whole run must stay well under 30 minutes on 2 cores: each suite gets at most its own limit and never
# more than what is left of the run's budget (these are backstops; the suites normally take seconds to minutes).
readonly run_budget_seconds=$((27 * 60))
readonly suite_limit_seconds=$((12 * 60))

passed=0
failed=0
skipped=0
problems=()

log() { printf '==> %s\n' "$*" >&2; }

if [[ "$(id -u)" -ne 0 ]]; then
  echo "test.sh: run as root (the suites mount filesystems and run containers)" >&2
  exit 1
fi

run_root="$(mktemp -d /tmp/modular-test.XXXXXX)"
export MODULAR_E2E_TMPDIR="$run_root"
logs="$repo/artifacts/test-logs"
mkdir -p "$logs"
rm -f "$logs"/*.log

final_sweep() {
  "$repo/tests/e2e/sweep-root.sh" "$run_root" || echo "test.sh: the final sweep of $run_root was incomplete" >&2
}
trap final_sweep EXIT
trap 'exit 130' INT TERM

assembly_name() {
  local project="$1" name
  name="$(sed -n 's:.*<AssemblyName>\(.*\)</AssemblyName>.*:\1:p' "$project" | head -n1)"
  [[ -n "$name" ]] || name="$(basename "$project" .csproj)"
  printf '%s\n' "$name"
}

build_everything() {
  if ! ./setup.sh --deps-only; then
    problems+=("installing packages failed")
    failed=$((failed + 1))
  fi
  log "building artifacts/bin"
  if ! ./setup.sh --build-only; then
    problems+=("./setup.sh --build-only failed: the daemon, a driver or the CLI does not build")
    failed=$((failed + 1))
  fi
  # The SDK packages and the third-party sample driver packages built from them, which the plugin tests install.
  log "packing the SDK and plugins-sample"
  if ! ./plugins-sample/build.sh; then
    problems+=("plugins-sample/build.sh failed: the SDK packages or the sample driver packages do not build")
    failed=$((failed + 1))
  fi
}

build_suite() {
  local dir="$1"
  log "building $dir"
  dotnet build "$dir" -c "$configuration" --nologo -v quiet -clp:NoSummary
}

# Adds one suite's counts from its summary line (fields after Total are absent when a suite has no tests):
#   Modular.X.Tests  Total: 14, Errors: 0, Failed: 2, Skipped: 0, Not Run: 0, Time: 33.390s
summary_field() {
  if [[ "$2" =~ $1:\ ([0-9]+) ]]; then
    printf '%s\n' "${BASH_REMATCH[1]}"
  else
    printf '0\n'
  fi
}

count_suite() {
  local dir="$1" output="$2" exit_code="$3" summary
  summary="$(sed 's/\x1b\[[0-9;]*m//g' "$output" | grep -E '^[[:space:]]*[^[:space:]]+[[:space:]]+Total: [0-9]+' | tail -n1)"
  if [[ -z "$summary" ]]; then
    problems+=("$dir crashed or timed out before its summary (exit $exit_code); see $output")
    failed=$((failed + 1))
    return
  fi
  local total errors failures skips not_run
  total="$(summary_field Total "$summary")"
  errors="$(summary_field Errors "$summary")"
  failures="$(summary_field Failed "$summary")"
  skips="$(summary_field Skipped "$summary")"
  not_run="$(summary_field 'Not Run' "$summary")"

  passed=$((passed + total - failures - skips - not_run))
  skipped=$((skipped + skips + not_run))
  # Errors are failures outside any one test (a fixture that threw, a cleanup that left something behind).
  failed=$((failed + failures + errors))
  if ((errors > 0)); then
    problems+=("$dir reported $errors error(s) outside tests (fixture or cleanup); see $output")
  fi
  if [[ "$exit_code" -ne 0 && $((failures + errors)) -eq 0 ]]; then
    problems+=("$dir exited $exit_code although it reported no failure; see $output")
    failed=$((failed + 1))
  fi
}

run_suite() {
  local dir="$1" project name exe output limit
  project="$(find "$dir" -maxdepth 1 -name '*.csproj' | head -n1)"
  if [[ -z "$project" ]]; then
    problems+=("$dir has no project")
    failed=$((failed + 1))
    return
  fi
  name="$(basename "$project" .csproj)"
  output="$logs/$name.log"
  if ! build_suite "$dir"; then
    problems+=("$dir does not build")
    failed=$((failed + 1))
    return
  fi
  exe="$dir/bin/$configuration/net10.0/$(assembly_name "$project")"
  limit=$((run_budget_seconds - (SECONDS - started) - 30))
  ((limit > suite_limit_seconds)) && limit=$suite_limit_seconds
  if ((limit < 30)); then
    problems+=("$dir not run: the run's time budget is spent")
    failed=$((failed + 1))
    return
  fi
  log "running $name (log: $output, limit $limit s)"
  timeout --kill-after=20s "$limit" "$exe" -noColor 2>&1 | tee "$output"
  count_suite "$dir" "$output" "${PIPESTATUS[0]}"
}

started=$SECONDS
build_everything
for suite in "${suites[@]}"; do
  run_suite "$suite"
done
final_sweep
trap - EXIT

log "finished in $((SECONDS - started)) s"
# CI shows only the tail of the output, so every failure is repeated here with the start of its message.
for suite_log in "$logs"/*.log; do
  sed 's/\x1b\[[0-9;]*m//g' "$suite_log" | awk '
    /\[FAIL\]/ { shown = 0; failing = 1; print "FAILED: " $0; next }
    failing && (/\[(SKIP|PASS)\]$/ || /^ *Finished:/ || /^=== /) { failing = 0 }
    failing && shown < 12 { print "    " $0; shown++ }'
done
for problem in "${problems[@]}"; do
  echo "PROBLEM: $problem"
done
summary="$passed passed, $failed failed"
((skipped > 0)) && summary+=", $skipped skipped"
echo "$summary"

[[ $failed -eq 0 && ${#problems[@]} -eq 0 ]]
