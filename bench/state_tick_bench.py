#!/usr/bin/env python3
"""A no-op incremental tick with the state in PostgreSQL: server connections, statements, ms.

    bench/state_tick_bench.py [--ticks N] [--entries K] LABEL=ETL_RUNTIME_BINARY ...

Starts a throwaway cluster (Tests/Postgres/cluster.sh) logging every connection and statement,
makes a manifest of K incremental entries (csv source -> sqlite sink, so the only server
connections are the state's), loads once, then runs N ticks that find nothing new with each
binary in turns, and prints per binary: state connections, statements and wall ms per tick
(median and range), plus the same tick with a SQLite state for reference.
"""
import argparse
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
CLUSTER = os.path.join(ROOT, "Tests", "Postgres", "cluster.sh")


def manifest(state, entries):
    control = ",\n".join(
        f'{{"id": "people_{i}", "source": "file", "stream": "people", "sink": "local", "target": "people_{i}", '
        f'"mode": "incremental", "write": "append", "cursor_field": "$offset"}}' for i in range(entries))
    return f"""{{"manifest_version": 1, "state": {state},
 "sources": {{"file": {{"plugin": "csv", "config": {{"path": "people.csv", "header": true}}}}}},
 "sinks": {{"local": {{"plugin": "sqlite", "config": {{"path": "local.db"}}}}}},
 "control_table": [{control}]}}"""


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--ticks", type=int, default=15)
    parser.add_argument("--entries", type=int, default=1)
    parser.add_argument("--show", action="store_true", help="print the server log of each binary's last PostgreSQL tick")
    parser.add_argument("binaries", nargs="+", help="LABEL=PATH")
    args = parser.parse_args()
    binaries = [b.split("=", 1) for b in args.binaries]

    cluster = tempfile.mkdtemp(prefix="etl-tick-pg-")
    env_text = subprocess.run(["bash", CLUSTER, "start", cluster], check=True, capture_output=True, text=True).stdout
    env = dict(line.split("=", 1) for line in env_text.splitlines() if "=" in line)
    folders = {}
    try:
        run_env = {**os.environ, **env}
        psql = os.path.join(env["ETL_PG_BINDIR"], "psql")

        def sql(statement, database="postgres"):
            subprocess.run([psql, "-X", "-q", "-v", "ON_ERROR_STOP=1", "-d", database, "-c", statement], env=run_env, check=True,
                           stdout=subprocess.DEVNULL)

        sql("ALTER SYSTEM SET log_statement = 'all'")
        sql("ALTER SYSTEM SET log_connections = on")
        sql("SELECT pg_reload_conf()")
        log = os.path.join(cluster, "server.log")
        url = f"postgresql://{env['PGUSER']}@127.0.0.1:{env['PGPORT']}/tick"
        sql("CREATE DATABASE tick")

        for label, _ in binaries:
            for kind in ("postgres", "sqlite"):
                folder = tempfile.mkdtemp(prefix=f"etl-tick-{label}-{kind}-")
                with open(os.path.join(folder, "people.csv"), "w") as f:
                    f.write("id,name\n" + "".join(f"{i},person {i}\n" for i in range(1, 101)))
                state = (f'{{"url": "{url}", "schema": "state_{label}"}}' if kind == "postgres"
                         else '{"path": "state/etl_state.db"}')
                with open(os.path.join(folder, "plugins.json"), "w") as f:
                    f.write(manifest(state, args.entries))
                folders[(label, kind)] = folder

        def tick(binary, folder):
            before = os.path.getsize(log)
            started = time.perf_counter()
            out = subprocess.run([binary, "run", "--quiet"], cwd=folder, env=run_env, capture_output=True, text=True)
            elapsed = (time.perf_counter() - started) * 1000
            if out.returncode != 0:
                sys.exit(f"{binary} run failed ({out.returncode}): {out.stderr}")
            time.sleep(0.05)  # the server's log lines of the tick's last statements
            with open(log, errors="replace") as f:
                f.seek(before)
                text = f.read()
            connections = len(re.findall(r"connection authorized: .*application_name=etl-runtime state", text))
            statements = len(re.findall(r"LOG:  (statement|execute [^:]*):", text))
            return elapsed, connections, statements, text

        for label, binary in binaries:  # the first load, then one tick to warm the caches
            for kind in ("postgres", "sqlite"):
                tick(binary, folders[(label, kind)])
                tick(binary, folders[(label, kind)])
        results = {key: [] for key in folders}
        for _ in range(args.ticks):
            for label, binary in binaries:
                for kind in ("postgres", "sqlite"):
                    results[(label, kind)].append(tick(binary, folders[(label, kind)]))
        if args.show:
            for label, _ in binaries:
                print(f"--- {label}: the server's log of its last tick ---")
                print(results[(label, "postgres")][-1][3])
        print(f"no-op incremental tick, {args.entries} entr{'y' if args.entries == 1 else 'ies'}, {args.ticks} ticks each, in turns")
        print("binary      state     connections  statements  ms median (range)")
        for (label, kind), rows in results.items():
            ms = [r[0] for r in rows]
            conns = sorted({r[1] for r in rows})
            stmts = sorted({r[2] for r in rows})
            print(f"{label:<11} {kind:<9} {'/'.join(map(str, conns)):<12} {'/'.join(map(str, stmts)):<11} "
                  f"{statistics.median(ms):.0f} ({min(ms):.0f}-{max(ms):.0f})")
    finally:
        subprocess.run(["bash", CLUSTER, "stop", cluster])
        for folder in folders.values():
            shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()
