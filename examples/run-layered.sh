#!/usr/bin/env bash
# Runs examples/layered/layered.json twice: on day 1's CRM extracts, then on day 2's (a customer
# moved, a customer and two deals are new). Each run loads the extracts into stage tables with
# transforms, keeps the customer dimension's history (scd2) and rebuilds the revenue fact table
# (an SQL model), in the order depends_on gives; the tables are printed after each run.
#   examples/run-layered.sh [FOLDER]    (after `make build`; FOLDER: where the warehouse and state
#                                        go, a new temporary folder by default)
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
bin="${ETL_RUNTIME:-$root/.build/debug/etl-runtime}"
work="${1:-$(mktemp -d)}"
mkdir -p "$work/data"
cp "$root/examples/layered/layered.json" "$work/"
cd "$work"
for day in day1 day2; do
  echo "== $day"
  cp "$root/examples/layered/extracts/$day/"*.csv data/
  "$bin" run --manifest layered.json --quiet
  echo "-- dim_customer (id, name, city, current)"
  sqlite3 warehouse.db "SELECT id, name, city, _is_current FROM dim_customer ORDER BY id, _valid_from"
  echo "-- fact_revenue (service, city, deals, revenue)"
  sqlite3 warehouse.db "SELECT * FROM fact_revenue"
done
echo "warehouse: $work/warehouse.db"
