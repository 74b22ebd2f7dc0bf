#!/usr/bin/env bash
# Runs every test of Kafka Control Center and ends with one line: "N passed, M failed".
# On a fresh Debian machine it first installs what the tests need: Chromium (Playwright drives
# Debian's build, never a downloaded one), kcat (interop tests), curl (the scripted REST proxy
# session) and docker-compose (to validate docker-compose.yml; no Docker engine is needed).
set -uo pipefail
cd "$(dirname "$0")"

SUDO=""
[ "$(id -u)" -ne 0 ] && SUDO="sudo"
missing=()
command -v chromium >/dev/null 2>&1 || missing+=(chromium)
command -v kcat >/dev/null 2>&1 || missing+=(kcat)
command -v curl >/dev/null 2>&1 || missing+=(curl)
command -v docker-compose >/dev/null 2>&1 || missing+=(docker-compose)
if [ ${#missing[@]} -gt 0 ]; then
  echo "Installing: ${missing[*]}"
  install() {
    $SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
  }
  # apt can race with another apt run on a fresh machine: retry once.
  install || { sleep 15; install; } || { echo "Could not install ${missing[*]}"; exit 1; }
fi
# Debian's librdkafka-dev would shadow Confluent.Kafka's own librdkafka and crash consumers.
if dpkg -s librdkafka-dev >/dev/null 2>&1; then
  echo "librdkafka-dev is installed and shadows Confluent.Kafka's librdkafka: remove it (apt-get remove librdkafka-dev)."
  exit 1
fi

export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
if ! dotnet build ControlCenter.sln -c Release 2>&1 | tail -n 3; then
  echo "0 passed, 1 failed (build)"
  exit 1
fi

log=$(mktemp)
dotnet test ControlCenter.sln -c Release --no-build 2>&1 | tee "$log"
status=${PIPESTATUS[0]}

# Microsoft.Testing.Platform prints one summary per test project: add them up.
passed=$(grep -E '^\s+succeeded: [0-9]+' "$log" | awk '{s+=$2} END {print s+0}')
failed=$(grep -E '^\s+failed: [0-9]+' "$log" | awk '{s+=$2} END {print s+0}')
rm -f "$log"
if [ "$status" -ne 0 ] && [ "$failed" -eq 0 ]; then failed=1; fi
echo "$passed passed, $failed failed"
[ "$status" -eq 0 ] && [ "$failed" -eq 0 ]
