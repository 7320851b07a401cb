#!/usr/bin/env bash
# Packs the SDK into the repository's local feed (artifacts/feed), then packs this sample and the test drivers against
# it into plugins-sample/out, as a third party would: only through the packages, never the repository's projects.
#
#   plugins-sample/build.sh      (test.sh runs it before the suites that install these packages)
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")"
sample="$(pwd)"
repo="$(cd .. && pwd)"

quiet() { "$@" --nologo -v quiet -clp:NoSummary -clp:ErrorsOnly; }

echo "==> packing Modular.Sdk and Modular.Sdk.Conformance into $repo/artifacts/feed" >&2
quiet dotnet pack "$repo/sdk/Modular.Sdk" -c Release
quiet dotnet pack "$repo/sdk/Modular.Sdk.Conformance" -c Release
# The same SDK version may have been packed before with other content: restore it afresh from the feed.
rm -rf "$sample/obj/packages/modular.sdk" "$sample/obj/packages/modular.sdk.conformance"

rm -rf "$sample/out"
for project in Acme.Logging.Sqlite test-drivers/Acme.Test.JsonV12 test-drivers/Acme.Test.JsonV13 test-drivers/Acme.Test.ThrowsInRegister; do
  echo "==> packing $project" >&2
  quiet dotnet pack "$sample/$project" -c Release -o "$sample/out"
done
ls "$sample/out"/*.nupkg >&2
