#!/usr/bin/env python3
"""Census CSV → PostgreSQL: etl-runtime against its peers, in one run, as ratios.

Every tool loads the same generated census-shaped file (bench/gen_census.py) into the same
typed table (bigint and text columns) of one throwaway cluster that this script starts with
Tests/Postgres/cluster.sh and stops at the end. That cluster runs with fsync = off and
synchronous_commit = off (its template's settings), the same for every peer: this compares the
clients, not the disk. Peers:

* `psql \\copy ... (FORMAT csv, NULL ' ?')` (postgresql-client): the server parses the text;
  no trimming (text values keep the space after the comma), blank last line dropped by `head`;
* psycopg 3 `COPY ... FROM STDIN (FORMAT csv)`, the file's bytes streamed in 1 MiB blocks;
* pyarrow's CSV reader + the ADBC PostgreSQL driver's `adbc_ingest` (whole table in memory);
* pandas `read_csv` + `to_sql` through SQLAlchemy + psycopg, default method (executemany,
  which SQLAlchemy 2 sends as multi-row INSERTs), chunks of 10,000 rows;
* pgloader (Debian package), trimming and `?` → NULL per field, when apt has it.

One reference row is no peer: "server alone, 2x" stores the same rows from two binary COPY files
the server reads itself, two `COPY ... FROM 'file'` at once — no client, no text to parse, no
socket. It is what a client splitting the load in two could at best approach on this machine, and
shows how much of etl-runtime's time is its own work (reading the CSV, encoding the rows).

etl-runtime runs three ways: the default (write replace into the existing table, one binary
COPY over TCP to 127.0.0.1, as psycopg and ADBC connect), `"replace_by": "swap"` (the rows
copied into a new table over two connections, swapped in at commit), and the default over the
server's Unix socket (as psql connects).

Time and peak memory come from /usr/bin/time. The COPY peers, whose times are close to
etl-runtime's, run BENCH_REPEAT times (default 3) in turns with it, and the median is the
figure (the range is printed beside it); pandas and pgloader, an order of magnitude slower,
run once. Then a merge: 10,000 changed rows (every 100th key, hours_per_week changed) into a
1 M-row table keyed by id, with an etl-runtime merge entry.

Usage: postgres_bench.py ROWS [ROWS ...]   (make bench runs 1000000 5000000)
"""
import atexit
import json
import os
import shutil
import subprocess
import sys
import tempfile

# Timing and page-cache warming as the SQLite benchmark does them, so both measure alike.
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from census_bench import measure, warm  # noqa: E402

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), ".."))
RUNTIME = os.path.join(ROOT, ".build", "release", "etl-runtime")
CLUSTER = os.path.join(ROOT, "Tests", "Postgres", "cluster.sh")
WORK = os.environ.get("ETL_BENCH_DIR", os.path.join(tempfile.gettempdir(), "etl-bench"))
COLUMNS = json.load(open(os.path.join(ROOT, "examples", "data", "adult.names.json")))
PG_TYPES = {"int64": "bigint", "text": "text", "double": "double precision"}
CREATE = "CREATE TABLE adult(" + ", ".join(f'{c["name"]} {PG_TYPES[c["type"]]}' for c in COLUMNS) + ")"


def start_cluster():
    """A throwaway cluster under WORK (the cluster's owner must reach it: /tmp is fine); returns its env."""
    folder = os.path.join(WORK, "pg-cluster")
    subprocess.run([CLUSTER, "stop", folder], check=True)
    out = subprocess.run([CLUSTER, "start", folder, str(os.getpid())], check=True, capture_output=True, text=True).stdout
    atexit.register(lambda: subprocess.run([CLUSTER, "stop", folder]))
    env = dict(line.split("=", 1) for line in out.splitlines() if "=" in line)
    return {key: env[key] for key in ("PGHOST", "PGPORT", "PGUSER", "PGDATABASE", "ETL_PG_BINDIR")}


class Server:
    def __init__(self, env):
        self.env = env
        self.environ = dict(os.environ, **env)
        self.url = f"postgresql://{env['PGUSER']}@127.0.0.1:{env['PGPORT']}/{env['PGDATABASE']}"
        self.socket_url = f"postgresql://{env['PGUSER']}@/{env['PGDATABASE']}?host={env['PGHOST']}&port={env['PGPORT']}"

    def sql(self, statement):
        out = subprocess.run(["psql", "-X", "-q", "-At", "-v", "ON_ERROR_STOP=1", "-c", statement],
                             env=self.environ, capture_output=True, text=True)
        if out.returncode != 0:
            raise SystemExit(f"psql failed: {statement}\n{out.stderr}")
        return out.stdout.strip()

    def fresh_table(self):
        """An empty typed table, and a checkpoint so no peer pays for the previous one's dirty pages."""
        self.sql("DROP TABLE IF EXISTS adult CASCADE; DROP TABLE IF EXISTS _etl_state")
        self.sql(CREATE)
        self.sql("CHECKPOINT")


def etl_runtime_manifest(server, csv, name, columns, entry_options, target="adult", url=None):
    folder = os.path.join(WORK, f"pg-manifest-{name}")
    os.makedirs(folder, exist_ok=True)
    entry = {"id": target, "source": "census", "stream": "census", "sink": "warehouse", "target": target, "mode": "full"}
    entry.update(entry_options)
    manifest = {
        "manifest_version": 1,
        "state": {"path": os.path.join(folder, "state.db")},
        "sources": {"census": {"plugin": "csv", "config": {
            "path": csv, "stream": "census", "header": False, "columns": columns, "null_values": ["?"], "trim": True}}},
        "sinks": {"warehouse": {"plugin": "postgres", "config": {"url": url or server.url}}},
        "control_table": [entry],
    }
    path = os.path.join(folder, "plugins.json")
    json.dump(manifest, open(path, "w"), indent=1)
    return path


def load_etl_runtime(server, csv, rows):
    # write replace into the existing typed table: the rows are copied in (binary COPY) and committed.
    manifest = etl_runtime_manifest(server, csv, "load", COLUMNS, {})
    return measure([RUNTIME, "run", "--manifest", manifest])


def load_etl_runtime_swap(server, csv, rows):
    # replace_by swap: copied into a staging table over two connections, swapped in at commit.
    manifest = etl_runtime_manifest(server, csv, "load-swap", COLUMNS, {"options": {"replace_by": "swap"}})
    return measure([RUNTIME, "run", "--manifest", manifest])


def load_etl_runtime_socket(server, csv, rows):
    # As load_etl_runtime, over the server's Unix socket (as psql here) instead of TCP.
    manifest = etl_runtime_manifest(server, csv, "load-socket", COLUMNS, {}, url=server.socket_url)
    return measure([RUNTIME, "run", "--manifest", manifest])


def load_psql_copy(server, csv, rows):
    command = f"head -n {rows} {csv} | psql -X -q -v ON_ERROR_STOP=1 -c \"\\copy adult FROM STDIN WITH (FORMAT csv, NULL ' ?')\""
    return measure(["sh", "-c", command], env=server.environ)


PSYCOPG = """
import sys, psycopg
with psycopg.connect(sys.argv[2]) as connection, open(sys.argv[1], "rb") as data:
    with connection.cursor() as cursor:
        with cursor.copy("COPY adult FROM STDIN WITH (FORMAT csv, NULL ' ?')") as copy:
            previous = None
            while True:
                block = data.read(1 << 20)
                if not block:
                    # The file ends with a blank line, which COPY would read as a short row.
                    copy.write(previous.rstrip(b"\\n") + b"\\n")
                    break
                if previous:
                    copy.write(previous)
                previous = block
"""

ADBC = """
import sys, json, pyarrow.csv as csv, adbc_driver_postgresql.dbapi as dbapi
names = [c["name"] for c in json.load(open(sys.argv[3]))]
table = csv.read_csv(sys.argv[1], read_options=csv.ReadOptions(column_names=names),
                     convert_options=csv.ConvertOptions(null_values=["?", " ?"], strings_can_be_null=True))
with dbapi.connect(sys.argv[2]) as connection:
    with connection.cursor() as cursor:
        cursor.adbc_ingest("adult", table, mode="append")
    connection.commit()
"""

PANDAS = """
import sys, json, pandas as pd, sqlalchemy
names = [c["name"] for c in json.load(open(sys.argv[3]))]
frame = pd.read_csv(sys.argv[1], header=None, names=names, skipinitialspace=True, na_values="?")
engine = sqlalchemy.create_engine(sys.argv[2].replace("postgresql://", "postgresql+psycopg://"))
frame.to_sql("adult", engine, if_exists="append", index=False, chunksize=10000)
"""


def load_python(code, python):
    def run(server, csv, rows):
        script = os.path.join(WORK, "pg-peer.py")
        open(script, "w").write(code)
        return measure([python, script, csv, server.url, os.path.join(ROOT, "examples", "data", "adult.names.json")])
    return run


def load_pgloader(server, csv, rows):
    fields = ", ".join(f"{c['name']} [trim both whitespace, null if '?']" for c in COLUMNS)
    command = (f"LOAD CSV FROM '{csv}' ({fields})\n"
               f"INTO {server.url}?tablename=adult ({', '.join(c['name'] for c in COLUMNS)})\n"
               "WITH fields terminated by ',', fields optionally enclosed by '\"';\n")
    script = os.path.join(WORK, "pg-load.load")
    open(script, "w").write(command)
    return measure(["pgloader", "--no-ssl-cert-verification", "-q", script], cwd=WORK)


def load_server_alone(server, csv, rows):
    """Not a peer: the server's own limit. The same rows, as two binary COPY files in a folder the
    server reads, stored by two server-side `COPY ... FROM 'file'` at once: no client, no parsing of
    text, no socket. What any client that splits the load in two can at best approach."""
    folder = os.path.join(WORK, "pg-server-files")
    halves = [os.path.join(folder, f"census_{rows}_{half}.bin") for half in (1, 2)]
    if not all(os.path.exists(path) for path in halves):
        os.makedirs(folder, exist_ok=True)
        os.chmod(folder, 0o777)  # the server's account writes and reads here
        load_psql_copy(server, csv, rows)
        pages = int(server.sql("SELECT pg_relation_size('adult') / 8192"))
        server.sql(f"COPY (SELECT * FROM adult WHERE ctid < '({pages // 2},0)') TO '{halves[0]}' (FORMAT binary)")
        server.sql(f"COPY (SELECT * FROM adult WHERE ctid >= '({pages // 2},0)') TO '{halves[1]}' (FORMAT binary)")
        server.fresh_table()
        warm(csv)
    both = " & ".join(f"psql -X -q -v ON_ERROR_STOP=1 -c \"COPY adult FROM '{path}' (FORMAT binary)\"" for path in halves)
    return measure(["sh", "-c", f"{both}; wait"], env=server.environ)


def pgloader_missing():
    """Why pgloader is skipped, or None."""
    if shutil.which("pgloader"):
        return None
    return "no pgloader on the PATH (make bench installs the Debian package pgloader; apt here had none, or it failed)"


def keyed_copy(csv, rows, path):
    """The census file with an id first (0, 1, ...): a table a merge can key on."""
    if os.path.exists(path):
        return
    with open(csv) as source, open(path + ".part", "w") as out:
        for number, line in enumerate(source):
            if number == rows:
                break
            out.write(f"{number}, {line}")
    os.replace(path + ".part", path)


def changed_rows(keyed, path, every=100):
    """Every `every`th row of the keyed file with hours_per_week + 1 (10,000 of 1 M)."""
    with open(keyed) as source, open(path, "w") as out:
        for number, line in enumerate(source):
            if number % every == 0:
                fields = line.rstrip("\n").split(", ")
                fields[13] = str(int(fields[13]) + 1)
                out.write(", ".join(fields) + "\n")


def merge_benchmark(server, csv, rows):
    keyed = os.path.join(WORK, f"census_keyed_{rows}.csv")
    changes = os.path.join(WORK, f"census_changes_{rows}.csv")
    keyed_copy(csv, rows, keyed)
    changed_rows(keyed, changes)
    columns = [{"name": "id", "type": "int64"}] + COLUMNS
    options = {"write": "merge", "primary_key": ["id"]}
    server.sql("DROP TABLE IF EXISTS adult_keyed")
    shutil.rmtree(os.path.join(WORK, "pg-manifest-merge"), ignore_errors=True)
    # The 1 M-row table, made by a merge entry (table, unique index on id), then the 10,000 changes.
    first, _ = measure([RUNTIME, "run", "--manifest", etl_runtime_manifest(server, keyed, "merge", columns, options, "adult_keyed")])
    server.sql("VACUUM ANALYZE adult_keyed")
    server.sql("CHECKPOINT")
    changed = sum(1 for _ in open(changes))
    seconds, peak = measure([RUNTIME, "run", "--manifest", etl_runtime_manifest(server, changes, "merge", columns, options, "adult_keyed")])
    total = server.sql("SELECT count(*) FROM adult_keyed")
    # The changed value of id 0 must be in the table.
    expected = open(changes).readline().rstrip("\n").split(", ")[13]
    found = server.sql("SELECT hours_per_week FROM adult_keyed WHERE id = 0")
    if found != expected:
        raise SystemExit(f"merge check failed: id 0 has hours_per_week {found}, expected {expected}")
    return first, seconds, peak, changed, int(total)


def replace_benchmark(server, csv, rows, repeat):
    """A nightly full refresh: the loaded table replaced by the same file again, atomically.
    etl-runtime's two `replace_by` methods against psql doing the same in one transaction
    (TRUNCATE, then \\copy: what a script that wants readers never to see half a table does).
    Median seconds and the table's size after each; the table holds `rows` rows before each."""
    truncate = f"BEGIN; TRUNCATE adult; \\copy adult FROM STDIN WITH (FORMAT csv, NULL ' ?')"
    methods = {
        "etl-runtime, replace_by delete (default)": lambda: measure(
            [RUNTIME, "run", "--manifest", etl_runtime_manifest(server, csv, "replace-delete", COLUMNS, {})]),
        "etl-runtime, replace_by truncate": lambda: measure(
            [RUNTIME, "run", "--manifest", etl_runtime_manifest(server, csv, "replace-truncate", COLUMNS,
                                                                {"options": {"replace_by": "truncate"}})]),
        "etl-runtime, replace_by swap": lambda: measure(
            [RUNTIME, "run", "--manifest", etl_runtime_manifest(server, csv, "replace-swap", COLUMNS,
                                                                {"options": {"replace_by": "swap"}})]),
        "psql: TRUNCATE + \\copy, one transaction": lambda: measure(
            ["sh", "-c", f"(printf '%s\\n' \"{truncate}\"; head -n {rows} {csv}; printf '\\\\.\\nCOMMIT;\\n') | psql -X -q -v ON_ERROR_STOP=1"],
            env=server.environ),
    }
    times = {name: [] for name in methods}
    sizes = {}
    for _ in range(repeat):
        for name, load in methods.items():
            server.fresh_table()
            # The table as the previous night left it: loaded, vacuumed.
            measure(["sh", "-c", f"head -n {rows} {csv} | psql -X -q -v ON_ERROR_STOP=1 -c \"\\copy adult FROM STDIN WITH (FORMAT csv, NULL ' ?')\""],
                    env=server.environ)
            server.sql("VACUUM adult")
            server.sql("CHECKPOINT")
            warm(csv)
            times[name].append(load()[0])
            if server.sql("SELECT count(*) FROM adult") != str(rows):
                raise SystemExit(f"replace check failed for {name}")
            sizes[name] = int(server.sql("SELECT pg_table_size('adult')")) / 2**20
    print(f"\nreplace of a loaded {rows:,}-row table by {rows:,} rows (median of {repeat} in turns; table size after)")
    for name in methods:
        ordered = sorted(times[name])
        print(f"{name:<44}{ordered[len(ordered) // 2]:>7.2f} s ({ordered[0]:.2f}-{ordered[-1]:.2f}){sizes[name]:>8.0f} MiB")


# The reference row: not a peer, not in "fastest peer".
SERVER_ALONE = "server alone, 2x"


def main():
    sizes = [int(arg) for arg in sys.argv[1:]] or [1_000_000]
    os.makedirs(WORK, exist_ok=True)
    python = os.environ.get("BENCH_PYTHON", sys.executable)
    if not os.access(RUNTIME, os.X_OK):
        raise SystemExit(f"no release build at {RUNTIME}: run swift build -c release")
    server = Server(start_cluster())
    print(f"throwaway PostgreSQL {server.sql('SHOW server_version')} on 127.0.0.1:{server.env['PGPORT']}, "
          f"fsync={server.sql('SHOW fsync')}, synchronous_commit={server.sql('SHOW synchronous_commit')} (same for every tool)")
    peers = [
        ("etl-runtime", load_etl_runtime),
        ("etl-runtime swap", load_etl_runtime_swap),
        ("etl-runtime socket", load_etl_runtime_socket),
        ("psql \\copy", load_psql_copy),
        ("psycopg COPY", load_python(PSYCOPG, python)),
        ("pyarrow + ADBC", load_python(ADBC, python)),
        ("pandas to_sql", load_python(PANDAS, python)),
        ("pgloader", load_pgloader),
        (SERVER_ALONE, load_server_alone),
    ]
    only = os.environ.get("BENCH_PEERS")
    if only:
        peers = [peer for peer in peers if peer[0].startswith("etl-runtime") or peer[0].split()[0] in only.split(",")]
    skip = pgloader_missing()
    repeat = max(1, int(os.environ.get("BENCH_REPEAT", "3")))
    once = {"pandas to_sql", "pgloader"}
    results = {}
    for rows in sizes:
        csv = os.path.join(WORK, f"census_{rows}.csv")
        if not os.path.exists(csv):
            subprocess.run([sys.executable, os.path.join(ROOT, "bench", "gen_census.py"), str(rows), csv], check=True)
        size_mb = os.path.getsize(csv) / 1e6
        print(f"\n{rows:,} rows ({size_mb:.0f} MB) → PostgreSQL; median of {repeat} runs in turns, "
              f"{' and '.join(sorted(once))} once")
        print(f"{'tool':<20}{'seconds':>9}{'(range)':>15}{'peak MiB':>10}{'rows':>11}   vs etl-runtime")
        runs = {name: [] for name, _ in peers}
        loaded = {}
        # In turns, so that whatever else the machine does weighs on every tool alike.
        for turn in range(repeat):
            for name, load in peers:
                if (name == "pgloader" and skip) or (name in once and turn > 0):
                    continue
                server.fresh_table()
                warm(csv)
                runs[name].append(load(server, csv, rows))
                loaded[name] = int(server.sql("SELECT count(*) FROM adult"))
        for name, _ in peers:
            if not runs[name]:
                print(f"{name:<20}   skipped: {skip}")
                continue
            times = sorted(seconds for seconds, _ in runs[name])
            seconds = times[len(times) // 2]
            peak = max(peak for _, peak in runs[name])
            results[(rows, name)] = (seconds, peak)
            base = results[(rows, "etl-runtime")][0]
            spread = f"({times[0]:.2f}-{times[-1]:.2f})" if len(times) > 1 else ""
            note = "" if loaded[name] == rows else f"   (expected {rows:,} rows)"
            print(f"{name:<20}{seconds:>9.2f}{spread:>15}{peak:>10.0f}{loaded[name]:>11,}   {seconds / base:>5.2f}x the time{note}",
                  flush=True)
        fastest = min((value[0], name) for (size, name), value in results.items()
                      if size == rows and not name.startswith("etl-runtime") and name != SERVER_ALONE)
        for name, _ in peers:
            if name.startswith("etl-runtime") and (rows, name) in results:
                print(f"fastest peer: {fastest[1]}, {fastest[0] / results[(rows, name)][0]:.2f}x the time of {name} (target ≥ 1.25x)")
        if (rows, SERVER_ALONE) in results:
            alone = results[(rows, SERVER_ALONE)][0]
            print(f"{SERVER_ALONE} (reference, no client): {fastest[0] / alone:.2f}x faster than {fastest[1]}; "
                  f"etl-runtime swap takes {results[(rows, 'etl-runtime swap')][0] / alone:.2f}x its time")
    if len(sizes) > 1:
        small, large = results[(sizes[0], "etl-runtime")], results[(sizes[-1], "etl-runtime")]
        print(f"\netl-runtime peak memory: {small[1]:.0f} MiB at {sizes[0]:,} rows, {large[1]:.0f} MiB at {sizes[-1]:,} rows"
              f" ({large[1] / small[1]:.2f}x)")
    rows = 1_000_000
    csv = os.path.join(WORK, f"census_{rows}.csv")
    if not os.path.exists(csv):
        subprocess.run([sys.executable, os.path.join(ROOT, "bench", "gen_census.py"), str(rows), csv], check=True)
    replace_benchmark(server, csv, rows, repeat)
    first, seconds, peak, changed, total = merge_benchmark(server, csv, rows)
    print(f"\nmerge (etl-runtime, write merge, primary_key id): {rows:,}-row table made in {first:.2f} s; "
          f"{changed:,} changed rows merged into it in {seconds:.2f} s, peak {peak:.0f} MiB "
          f"(table: {total:,} rows, changes checked; the target is < 1 s)")


if __name__ == "__main__":
    main()
