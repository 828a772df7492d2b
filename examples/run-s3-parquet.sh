#!/usr/bin/env bash
# The S3 → warehouse flow on an emulator: starts moto's S3 server (from the venv, on a loopback
# port), puts five daily partitions of Parquet files written by pyarrow into bucket `lake`
# (sales/dt=2026-12-01/part-0.parquet ...), and runs examples/s3-parquet-to-sqlite.json until
# every file is loaded, two files per run (max_files_per_run). Then partition dt=2026-12-02 is
# exported again, corrected: fewer sales (30 of the 50) with doubled amounts. The next run loads
# that one file again (new ETag); the entry appends with "replace_partitions": ["dt"], so in the
# load's transaction the old rows of dt=2026-12-02 are deleted and the new ones inserted: the
# partition holds exactly the new export (no duplicate, no stale row) and the others are untouched.
#
# With POSTGRES_URI set (postgresql://user@127.0.0.1:port/db, a server you started), the same runs
# also load examples/s3-parquet-to-postgres.json: the adbc sink with the PostgreSQL ADBC driver
# from the venv (adbc-driver-postgresql), which stages each load by bulk ingest and replaces the
# partitions with SQL in one transaction.
#   examples/run-s3-parquet.sh [FOLDER]    (after `make venv` and `make build`; FOLDER: where the
#                                           warehouse and state go, a new temporary folder by default)
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
bin="${ETL_RUNTIME:-$root/.build/debug/etl-runtime}"
python="$root/.venv/bin/python"
export AWS_ACCESS_KEY_ID=testing AWS_SECRET_ACCESS_KEY=testing AWS_REGION=us-east-1
port="$("$python" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
export S3_ENDPOINT="http://127.0.0.1:$port"
"$root/.venv/bin/moto_server" -H 127.0.0.1 -p "$port" >/dev/null 2>&1 &
moto=$!
trap 'kill "$moto" 2>/dev/null || true' EXIT
work="${1:-$(mktemp -d)}"
mkdir -p "$work"
cp "$root/examples/s3-parquet-to-sqlite.json" "$work/"
if [ -n "${POSTGRES_URI:-}" ]; then
  cp "$root/examples/s3-parquet-to-postgres.json" "$work/"
  ADBC_POSTGRESQL_DRIVER="$("$python" -c 'import adbc_driver_postgresql, os; print(os.path.dirname(adbc_driver_postgresql.__file__))')/libadbc_driver_postgresql.so"
  export ADBC_POSTGRESQL_DRIVER
fi
cd "$work"

# Writes partition dt=<day> (sales 1..<count>, amounts scaled by <factor>) as Parquet and puts it.
export_partition() {
  "$python" - "$@" <<'PY'
import io, sys, time, urllib.request, boto3, pyarrow as pa, pyarrow.parquet as pq
endpoint, days, factor, count = sys.argv[1], sys.argv[2].split(","), float(sys.argv[3]), int(sys.argv[4])
for attempt in range(100):  # moto takes a moment to start
    try:
        urllib.request.urlopen(endpoint + "/moto-api/"); break
    except OSError:
        time.sleep(0.1)
s3 = boto3.client("s3", endpoint_url=endpoint, region_name="us-east-1")
if "lake" not in [b["Name"] for b in s3.list_buckets()["Buckets"]]:
    s3.create_bucket(Bucket="lake")
for day in days:
    ids = list(range(1, count + 1))
    table = pa.table({"dt": pa.array([f"2026-12-{day}"] * len(ids)), "id": pa.array(ids, pa.int64()),
                      "amount": pa.array([round(i * 1.5 * factor, 2) for i in ids])})
    body = io.BytesIO()
    pq.write_table(table, body, compression="snappy")
    s3.put_object(Bucket="lake", Key=f"sales/dt=2026-12-{day}/part-0.parquet", Body=body.getvalue())
PY
}

# Reads the PostgreSQL table through the same ADBC driver (dbapi), printing as sqlite3 does.
postgres() {
  "$python" - "$1" <<'PY'
import os, sys, adbc_driver_postgresql.dbapi as dbapi
with dbapi.connect(os.environ["POSTGRES_URI"]) as connection, connection.cursor() as cursor:
    if sys.argv[1] == "total":
        cursor.execute("SELECT count(*), count(DISTINCT dt), sum(amount) FROM sales")
        rows, partitions, total = cursor.fetchone()
        print(f"{rows} rows, {partitions} partitions, {total!r} total")
    else:
        cursor.execute("SELECT dt, count(*), sum(amount) FROM sales GROUP BY dt ORDER BY dt")
        for dt, rows, total in cursor.fetchall():
            print(f"dt={dt}: {rows} rows, {total!r} total")
PY
}

# One run of each manifest, then the tables' totals.
run() {
  "$bin" run --manifest s3-parquet-to-sqlite.json --quiet
  echo "$1: $(sqlite3 warehouse.db "SELECT count(*) || ' rows, ' || count(DISTINCT dt) || ' partitions, ' || sum(amount) || ' total' FROM sales")"
  if [ -n "${POSTGRES_URI:-}" ]; then
    "$bin" run --manifest s3-parquet-to-postgres.json --quiet
    echo "$1 (postgres): $(postgres total)"
  fi
}

export_partition "$S3_ENDPOINT" 01,02,03,04,05 1 50
echo "== five partitions in s3://lake/sales/, loaded two files per run"
for n in 1 2 3 4; do run "run $n"; done
echo "== partition dt=2026-12-02 exported again: 30 sales instead of 50, amounts doubled"
export_partition "$S3_ENDPOINT" 02 2 30
run "run 5"
sqlite3 warehouse.db "SELECT 'dt=' || dt || ': ' || count(*) || ' rows, ' || sum(amount) || ' total' FROM sales GROUP BY dt ORDER BY dt"
echo "warehouse: $work/warehouse.db"
if [ -n "${POSTGRES_URI:-}" ]; then
  echo "== postgres"
  postgres partitions
fi
