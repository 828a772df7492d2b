#!/usr/bin/env python3
"""Census CSV → SQLite: etl-runtime against its peers, in one run, as ratios.

Peers: the sqlite3 shell's .import, pandas read_csv + to_sql, pyarrow's CSV reader + the
ADBC SQLite driver's bulk ingest, and a plain C loop over SQLite (the floor). Each loads the
same generated census-shaped file into the same typed table. Time and peak memory come
from /usr/bin/time. Also measured: a no-op incremental tick and list-plugins.

Usage: census_bench.py ROWS [ROWS ...]   (make bench runs 1000000 5000000)
"""
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), ".."))
RUNTIME = os.path.join(ROOT, ".build", "release", "etl-runtime")
WORK = os.environ.get("ETL_BENCH_DIR", os.path.join(tempfile.gettempdir(), "etl-bench"))
COLUMNS = json.load(open(os.path.join(ROOT, "examples", "data", "adult.names.json")))
SQL_TYPES = {"int64": "INTEGER", "text": "TEXT", "double": "REAL"}
CREATE = "CREATE TABLE adult(" + ", ".join(f'{c["name"]} {SQL_TYPES[c["type"]]}' for c in COLUMNS) + ")"


def measure(command, env=None, cwd=None):
    """Runs a command under /usr/bin/time; returns (seconds, peak MiB)."""
    stats = os.path.join(WORK, "time.txt")
    started = time.monotonic()
    done = subprocess.run(["/usr/bin/time", "-f", "%e %M", "-o", stats] + command, env=env, cwd=cwd,
                          stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    elapsed = time.monotonic() - started
    if done.returncode != 0:
        raise SystemExit(f"failed: {' '.join(command)}\n{done.stderr[-2000:]}")
    _, peak_kib = open(stats).read().split()[-2:]
    return elapsed, int(peak_kib) / 1024


def warm(path):
    """Reads the input once so every tool starts with it in the page cache: the first tool
    must not pay for disk reads the others skip (pandas' 5 GB can evict it)."""
    with open(path, "rb") as f:
        while f.read(1 << 24):
            pass


def fresh(path):
    for suffix in ("", "-wal", "-shm"):
        if os.path.exists(path + suffix):
            os.remove(path + suffix)


def count_rows(db):
    out = subprocess.run(["sqlite3", db, "SELECT count(*) FROM adult"], capture_output=True, text=True, check=True)
    return int(out.stdout)


# Five typical transforms (issue 11): the load with them must stay within 20% of the plain load.
TRANSFORMS = [
    {"rename": {"sex": "gender"}},
    {"cast": {"hours_per_week": "double"}},
    {"map": {"income": {"<=50K": "low", ">50K": "high"}}},
    {"derive": {"net_capital": "capital_gain - capital_loss"}},
    {"filter": "age >= 18"},
]


def etl_runtime_manifest(csv, db, mode, transforms=None):
    folder = os.path.join(WORK, f"manifest-{mode}{'-transforms' if transforms else ''}")
    os.makedirs(folder, exist_ok=True)
    entry = {"id": "adult", "source": "census", "stream": "census", "sink": "warehouse", "target": "adult",
             "mode": mode}
    if transforms:
        entry["transforms"] = transforms
    if mode == "incremental":
        entry.update({"write": "append", "cursor_field": "$offset"})
    manifest = {
        "manifest_version": 1,
        "state": {"path": os.path.join(folder, "state.db")},
        "sources": {"census": {"plugin": "csv", "config": {
            "path": csv, "stream": "census", "header": False, "columns": COLUMNS, "null_values": ["?"], "trim": True}}},
        "sinks": {"warehouse": {"plugin": "sqlite", "config": {"path": db}}},
        "control_table": [entry],
    }
    path = os.path.join(folder, "plugins.json")
    json.dump(manifest, open(path, "w"), indent=1)
    return path


def load_etl_runtime(csv, db):
    manifest = etl_runtime_manifest(csv, db, "full")
    return measure([RUNTIME, "run", "--manifest", manifest])


def transforms_overhead(csv, repeats=3):
    """The full load with and without TRANSFORMS, alternating, median of `repeats` each: (plain, transformed) seconds."""
    times = {False: [], True: []}
    for _ in range(repeats):
        for with_transforms in (False, True):
            db = os.path.join(WORK, f"transforms-{with_transforms}.db")
            fresh(db)
            warm(csv)
            manifest = etl_runtime_manifest(csv, db, "full", TRANSFORMS if with_transforms else None)
            times[with_transforms].append(measure([RUNTIME, "run", "--manifest", manifest])[0])
    return statistics.median(times[False]), statistics.median(times[True])


def load_sqlite3_import(csv, db):
    script = os.path.join(WORK, "import.sql")
    open(script, "w").write(f"{CREATE};\n.import --csv {csv} adult\n")
    return measure(["sh", "-c", f"sqlite3 {db} < {script}"])


PANDAS = """
import sys, sqlite3, pandas as pd
names = [c["name"] for c in __import__("json").load(open(sys.argv[3]))]
frame = pd.read_csv(sys.argv[1], header=None, names=names, skipinitialspace=True, na_values="?")
connection = sqlite3.connect(sys.argv[2])
connection.execute(sys.argv[4])
frame.to_sql("adult", connection, if_exists="append", index=False)
connection.commit()
"""

ADBC = """
import sys, json, pyarrow.csv as csv, adbc_driver_sqlite.dbapi as dbapi
names = [c["name"] for c in json.load(open(sys.argv[3]))]
table = csv.read_csv(sys.argv[1], read_options=csv.ReadOptions(column_names=names),
                     convert_options=csv.ConvertOptions(null_values=["?", " ?"], strings_can_be_null=True))
with dbapi.connect(sys.argv[2]) as connection:
    with connection.cursor() as cursor:
        cursor.adbc_ingest("adult", table, mode="replace")
    connection.commit()
"""


def load_python(code, python):
    def run(csv, db):
        script = os.path.join(WORK, "peer.py")
        open(script, "w").write(code)
        return measure([python, script, csv, db, os.path.join(ROOT, "examples", "data", "adult.names.json"), CREATE])
    return run


def load_c_floor(csv, db):
    binary = os.path.join(WORK, "c_floor")
    if not os.path.exists(binary):
        subprocess.run(["cc", "-O2", os.path.join(ROOT, "bench", "c_floor.c"), "-lsqlite3", "-o", binary], check=True)
    return measure([binary, csv, db])


def noop_tick(csv):
    """A cron tick with nothing new: median of 10 runs of an incremental entry that is caught up."""
    db = os.path.join(WORK, "tick.db")
    fresh(db)
    manifest = etl_runtime_manifest(csv, db, "incremental")
    shutil.rmtree(os.path.join(os.path.dirname(manifest), "locks"), ignore_errors=True)
    if os.path.exists(os.path.join(os.path.dirname(manifest), "state.db")):
        os.remove(os.path.join(os.path.dirname(manifest), "state.db"))
    subprocess.run([RUNTIME, "run", "--manifest", manifest], check=True, stderr=subprocess.DEVNULL)
    times = []
    for _ in range(10):
        started = time.monotonic()
        subprocess.run([RUNTIME, "run", "--manifest", manifest], check=True, stderr=subprocess.DEVNULL)
        times.append(time.monotonic() - started)
    return statistics.median(times)


def list_plugins_time():
    times = []
    for _ in range(10):
        started = time.monotonic()
        subprocess.run([RUNTIME, "list-plugins"], check=True, stdout=subprocess.DEVNULL, cwd=WORK)
        times.append(time.monotonic() - started)
    return statistics.median(times)


def main():
    sizes = [int(arg) for arg in sys.argv[1:]] or [1_000_000]
    os.makedirs(WORK, exist_ok=True)
    python = os.environ.get("BENCH_PYTHON", sys.executable)
    peers = [
        ("etl-runtime", load_etl_runtime),
        ("sqlite3 .import", load_sqlite3_import),
        ("pandas to_sql", load_python(PANDAS, python)),
        ("pyarrow + ADBC", load_python(ADBC, python)),
        ("C floor", load_c_floor),
    ]
    results = {}
    for rows in sizes:
        csv = os.path.join(WORK, f"census_{rows}.csv")
        if not os.path.exists(csv):
            subprocess.run([sys.executable, os.path.join(ROOT, "bench", "gen_census.py"), str(rows), csv], check=True)
        size_mb = os.path.getsize(csv) / 1e6
        print(f"\n{rows:,} rows ({size_mb:.0f} MB) → SQLite")
        print(f"{'tool':<18}{'seconds':>9}{'peak MiB':>10}{'rows':>11}   vs etl-runtime")
        for name, load in peers:
            db = os.path.join(WORK, f"{name.split()[0]}.db")
            fresh(db)
            warm(csv)
            seconds, peak = load(csv, db)
            loaded = count_rows(db)
            results[(rows, name)] = (seconds, peak)
            base = results[(rows, "etl-runtime")][0]
            print(f"{name:<18}{seconds:>9.2f}{peak:>10.0f}{loaded:>11,}   {seconds / base:>5.2f}x the time")
    if len(sizes) > 1:
        small, large = results[(sizes[0], "etl-runtime")], results[(sizes[-1], "etl-runtime")]
        print(f"\netl-runtime peak memory: {small[1]:.0f} MiB at {sizes[0]:,} rows, {large[1]:.0f} MiB at {sizes[-1]:,} rows"
              f" ({large[1] / small[1]:.2f}x)")
    csv = os.path.join(WORK, f"census_{sizes[0]}.csv")
    print(f"no-op incremental tick (median of 10): {noop_tick(csv) * 1000:.0f} ms")
    print(f"list-plugins (median of 10): {list_plugins_time() * 1000:.0f} ms")
    plain, transformed = transforms_overhead(csv)
    print(f"five transforms (rename, cast, map, derive, filter), median of 3: {transformed:.2f} s vs {plain:.2f} s plain"
          f" ({(transformed / plain - 1) * 100:+.0f}%; the bar is +20%)")


if __name__ == "__main__":
    main()
