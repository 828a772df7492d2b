#!/usr/bin/env bash
# Runs examples/tasks-and-deals.json against the mock API, which plays both the task tracker
# (bearer token) and the CRM (OAuth 2.0 client credentials): tasks and deals load incrementally
# into stage tables, finished tasks are written back to the tracker's archive list. Runs twice:
# the second run asks both APIs only for what changed and writes nothing back again.
#   examples/run-tasks-and-deals.sh [FOLDER]    (after `make build`; FOLDER: where the warehouse
#                                               and state go, a new temporary folder by default)
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
bin="${ETL_RUNTIME:-$root/.build/debug/etl-runtime}"
export TRACKER_TOKEN="${TRACKER_TOKEN:-example-token}"
# The mock's OAuth client is etl-client, with the mock's token as its secret.
export CRM_CLIENT_ID="etl-client" CRM_CLIENT_SECRET="$TRACKER_TOKEN"
coproc MOCK { exec python3 "$root/Tests/MockAPI/mock_api.py" --port 0 --token "$TRACKER_TOKEN"; }
trap 'kill "$MOCK_PID" 2>/dev/null || true' EXIT
read -r line <&"${MOCK[0]}"
export TRACKER_URL="${line#listening on }" CRM_URL="${line#listening on }"
echo "mock task tracker and CRM at $TRACKER_URL"
work="${1:-$(mktemp -d)}"
mkdir -p "$work"
cp "$root/examples/tasks-and-deals.json" "$work/"
cd "$work"
"$bin" run --manifest tasks-and-deals.json
"$bin" run --manifest tasks-and-deals.json
"$bin" status --manifest tasks-and-deals.json
echo "warehouse: $work/tasks-and-deals.db"
