#!/usr/bin/env bash
# Runs examples/task-tracker.json against the mock task-tracker API: starts the mock on
# a free loopback port, runs the manifest, shows the control table, stops the mock.
#   examples/run-task-tracker.sh            (after `make build`)
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
bin="${ETL_RUNTIME:-$root/.build/debug/etl-runtime}"
export TRACKER_TOKEN="${TRACKER_TOKEN:-example-token}"
coproc MOCK { exec python3 "$root/Tests/MockAPI/mock_api.py" --port 0 --token "$TRACKER_TOKEN"; }
trap 'kill "$MOCK_PID" 2>/dev/null || true' EXIT
read -r line <&"${MOCK[0]}"
export TRACKER_URL="${line#listening on }"
echo "mock task tracker at $TRACKER_URL"
cd "$root/examples"
"$bin" run --manifest task-tracker.json
"$bin" status --manifest task-tracker.json
