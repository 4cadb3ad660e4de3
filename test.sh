#!/usr/bin/env bash
# The one test command: installs what the tests need (Debian packages, npm data packages),
# then builds and runs every test. CI (.ci/run) calls exactly this.
set -euo pipefail
cd "$(dirname "$0")"

./scripts/setup.sh test

export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1
results="$PWD/out/test-results"
rm -rf "$results"; mkdir -p "$results"

dotnet build Apiary.slnx -c Release --nologo -v q
# One test project at a time keeps memory and the two cores for the test itself; the logger
# writes TRX files from which the closing summary line is counted.
status=0
dotnet test Apiary.slnx -c Release --no-build --nologo \
    --logger "trx" --results-directory "$results" -- RunConfiguration.MaxCpuCount=1 || status=$?

python3 - "$results" <<'PY' || true
import sys, glob, xml.etree.ElementTree as ET
passed = failed = skipped = 0
for f in glob.glob(sys.argv[1] + "/*.trx"):
    c = ET.parse(f).getroot().find(".//{*}Counters")
    if c is None: continue
    passed += int(c.get("passed", 0)); failed += int(c.get("failed", 0)) + int(c.get("error", 0))
    skipped += int(c.get("notExecuted", 0))
print(f"{passed} passed, {failed} failed, {skipped} skipped")
PY
exit $status
