#!/usr/bin/env python3
"""Census Parquet → SQLite: etl-runtime against pyarrow + ADBC and DuckDB, in one run, as ratios.

The census CSV of gen_census.py is converted once by pyarrow into a Parquet file (snappy,
pyarrow's defaults otherwise: dictionary encoding, 1 Mi-row row groups, data page v1), typed as
examples/data/adult.names.json says (int64 and string, `?` as null). Then each tool loads it:

* etl-runtime: the parquet source → the sqlite sink (full replace);
* pyarrow.parquet.read_table + the ADBC SQLite driver's adbc_ingest (the whole table in memory);
* DuckDB: read_parquet into the SQLite file through its sqlite extension when that extension is
  already installed (it is never downloaded here), else into a table of a DuckDB file.

Time, CPU time and peak memory come from /usr/bin/time; each tool runs `BENCH_REPEATS` times
(default 3), alternating, and the median times and the largest peak are printed with the ratio
to etl-runtime.

Usage: parquet_bench.py ROWS [ROWS ...]   (make bench runs 1000000 5000000)
"""
import json
import os
import statistics
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from census_bench import ROOT, RUNTIME, WORK, count_rows, fresh, warm  # noqa: E402

REPEATS = int(os.environ.get("BENCH_REPEATS", "3"))

CONVERT = """
import sys, json, pyarrow as pa, pyarrow.compute as pc, pyarrow.csv as csv, pyarrow.parquet as pq
columns = json.load(open(sys.argv[3]))
types = {"int64": pa.int64(), "text": pa.string()}
table = csv.read_csv(sys.argv[1],
                     read_options=csv.ReadOptions(column_names=[c["name"] for c in columns]),
                     convert_options=csv.ConvertOptions(column_types={c["name"]: types[c["type"]] for c in columns},
                                                        null_values=[" ?"], strings_can_be_null=True))
# The CSV has a space after every comma: the Parquet file holds the trimmed text.
table = pa.table({name: pc.utf8_ltrim_whitespace(column) if column.type == pa.string() else column
                  for name, column in zip(table.column_names, table.columns)})
pq.write_table(table, sys.argv[2], compression="snappy")
"""

ADBC = """
import sys, pyarrow.parquet as pq, adbc_driver_sqlite.dbapi as dbapi
table = pq.read_table(sys.argv[1])
with dbapi.connect(sys.argv[2]) as connection:
    with connection.cursor() as cursor:
        cursor.adbc_ingest("adult", table, mode="replace")
    connection.commit()
"""

# DuckDB's sqlite extension is used only when it loads without a download; otherwise the rows
# go into DuckDB's own table (the script prints which, on stderr and in its exit message).
DUCKDB = """
import sys, duckdb
connection = duckdb.connect()
connection.execute("SET autoinstall_known_extensions = false")
connection.execute("SET autoload_known_extensions = false")
try:
    connection.execute("LOAD sqlite")
    target = "sqlite"
except duckdb.Error:
    target = "duckdb"
if target == "sqlite":
    connection.execute(f"ATTACH '{sys.argv[2]}' AS target (TYPE sqlite)")
else:
    connection.execute(f"ATTACH '{sys.argv[2]}.duckdb' AS target")
connection.execute(f"CREATE TABLE target.adult AS SELECT * FROM read_parquet('{sys.argv[1]}')")
connection.execute("DETACH target")
open(sys.argv[2] + ".target", "w").write(target)
"""


def measure(command):
    """Runs a command under /usr/bin/time; returns (seconds, peak MiB, CPU seconds: user + system).
    CPU time is printed too: on a shared machine it moves less than the wall time."""
    stats = os.path.join(WORK, "time.txt")
    started = time.monotonic()
    done = subprocess.run(["/usr/bin/time", "-f", "%e %M %U %S", "-o", stats] + command,
                          stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    elapsed = time.monotonic() - started
    if done.returncode != 0:
        raise SystemExit(f"failed: {' '.join(command)}\n{done.stderr[-2000:]}")
    _, peak_kib, user, system = open(stats).read().split()[-4:]
    return elapsed, int(peak_kib) / 1024, float(user) + float(system)


def parquet_file(rows, python):
    path = os.path.join(WORK, f"census_{rows}.parquet")
    if os.path.exists(path):
        return path
    csv = os.path.join(WORK, f"census_{rows}.csv")
    if not os.path.exists(csv):
        subprocess.run([sys.executable, os.path.join(ROOT, "bench", "gen_census.py"), str(rows), csv], check=True)
    script = os.path.join(WORK, "convert.py")
    open(script, "w").write(CONVERT)
    subprocess.run([python, script, csv, path + ".partial", os.path.join(ROOT, "examples", "data", "adult.names.json")], check=True)
    os.rename(path + ".partial", path)
    return path


def load_etl_runtime(parquet, db):
    folder = os.path.join(WORK, "manifest-parquet")
    os.makedirs(folder, exist_ok=True)
    manifest = {
        "manifest_version": 1,
        "state": {"path": os.path.join(folder, "state.db")},
        "sources": {"census": {"plugin": "parquet", "config": {"path": parquet, "stream": "census"}}},
        "sinks": {"warehouse": {"plugin": "sqlite", "config": {"path": db}}},
        "control_table": [{"id": "adult", "source": "census", "stream": "census", "sink": "warehouse",
                           "target": "adult", "mode": "full"}],
    }
    path = os.path.join(folder, "plugins.json")
    json.dump(manifest, open(path, "w"), indent=1)
    return measure([RUNTIME, "run", "--manifest", path])


def load_python(code, python):
    def run(parquet, db):
        script = os.path.join(WORK, f"peer-{abs(hash(code))}.py")
        open(script, "w").write(code)
        return measure([python, script, parquet, db])
    return run


def loaded_rows(name, db):
    if name != "DuckDB":
        return count_rows(db), "SQLite"
    target = open(db + ".target").read()
    if target == "sqlite":
        return count_rows(db), "SQLite"
    python = os.environ.get("BENCH_PYTHON", sys.executable)
    out = subprocess.run([python, "-c", "import duckdb, sys; print(duckdb.connect(sys.argv[1], read_only=True)"
                          ".execute('SELECT count(*) FROM adult').fetchone()[0])", db + ".duckdb"],
                         capture_output=True, text=True, check=True)
    return int(out.stdout), "DuckDB table"


def main():
    sizes = [int(arg) for arg in sys.argv[1:]] or [1_000_000]
    os.makedirs(WORK, exist_ok=True)
    python = os.environ.get("BENCH_PYTHON", sys.executable)
    peers = [
        ("etl-runtime", load_etl_runtime),
        ("pyarrow + ADBC", load_python(ADBC, python)),
        ("DuckDB", load_python(DUCKDB, python)),
    ]
    summary = {}
    for rows in sizes:
        parquet = parquet_file(rows, python)
        size_mb = os.path.getsize(parquet) / 1e6
        times = {name: [] for name, _ in peers}
        peaks = {name: [] for name, _ in peers}
        cpus = {name: [] for name, _ in peers}
        into = {}
        for _ in range(REPEATS):
            for name, load in peers:
                db = os.path.join(WORK, f"parquet-{name.split()[0]}.db")
                fresh(db)
                if os.path.exists(db + ".duckdb"):
                    os.remove(db + ".duckdb")
                warm(parquet)
                seconds, peak, cpu = load(parquet, db)
                loaded, into[name] = loaded_rows(name, db)
                if loaded != rows:
                    raise SystemExit(f"{name} loaded {loaded:,} rows of {rows:,}")
                times[name].append(seconds)
                peaks[name].append(peak)
                cpus[name].append(cpu)
        print(f"\n{rows:,} rows, Parquet snappy ({size_mb:.0f} MB) → SQLite, median of {REPEATS}")
        print(f"{'tool':<16}{'seconds':>9}{'range':>14}{'CPU s':>8}{'peak MiB':>10}   into            vs etl-runtime")
        base = statistics.median(times["etl-runtime"])
        for name, _ in peers:
            median = statistics.median(times[name])
            spread = f"{min(times[name]):.2f}-{max(times[name]):.2f}"
            summary[(rows, name)] = (median, max(peaks[name]))
            cpu = statistics.median(cpus[name])
            print(f"{name:<16}{median:>9.2f}{spread:>14}{cpu:>8.2f}{max(peaks[name]):>10.0f}   {into[name]:<16}{median / base:>5.2f}x the time")
        adbc = statistics.median(times["pyarrow + ADBC"])
        print(f"pyarrow + ADBC / etl-runtime: {adbc / base:.2f}x (the target is ≥ 1.25x)")
    if len(sizes) > 1:
        small, large = summary[(sizes[0], "etl-runtime")], summary[(sizes[-1], "etl-runtime")]
        print(f"\netl-runtime peak memory: {small[1]:.0f} MiB at {sizes[0]:,} rows, {large[1]:.0f} MiB at {sizes[-1]:,} rows"
              f" ({large[1] / small[1]:.2f}x; the target is ≤ 64 MiB and flat)")


if __name__ == "__main__":
    main()
