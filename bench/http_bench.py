#!/usr/bin/env python3
"""API → SQLite: etl-runtime's http source against a plain Python `requests` loop, same run.

Both pull 200 pages × 500 records from the loopback mock API (Tests/MockAPI/mock_api.py,
100,000 tasks) and load id, name, status, updated_at, assignee and points into SQLite.
Prints seconds for each and the ratio (issue 4's target: at least 3x faster).
"""
import json
import os
import subprocess
import sys
import tempfile
import time

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), ".."))
RUNTIME = os.path.join(ROOT, ".build", "release", "etl-runtime")
PAGES, PAGE_SIZE = 200, 500

REQUESTS_LOOP = """
import sqlite3, sys, requests
base, db = sys.argv[1], sys.argv[2]
session = requests.Session()
connection = sqlite3.connect(db)
connection.execute("CREATE TABLE tasks(id INTEGER, name TEXT, status TEXT, updated_at TEXT, assignee TEXT, points REAL)")
for page in range(1, %d + 1):
    response = session.get(f"{base}/page/tasks", params={"page": page, "per_page": %d}, timeout=30)
    response.raise_for_status()
    rows = [(t["id"], t["name"], t["status"], t["updated_at"],
             t["assignees"][0]["username"] if t["assignees"] else None, t["points"]) for t in response.json()["tasks"]]
    connection.executemany("INSERT INTO tasks VALUES (?, ?, ?, ?, ?, ?)", rows)
connection.commit()
""" % (PAGES, PAGE_SIZE)


def timed(command, env=None):
    started = time.monotonic()
    subprocess.run(command, check=True, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    return time.monotonic() - started


def count(db):
    return subprocess.run(["sqlite3", db, "SELECT count(*) FROM tasks"], capture_output=True, text=True, check=True).stdout.strip()


def main():
    work = tempfile.mkdtemp(prefix="etl-http-bench-")
    python = os.environ.get("BENCH_PYTHON", sys.executable)
    server = subprocess.Popen([sys.executable, os.path.join(ROOT, "Tests", "MockAPI", "mock_api.py"), "--port", "0",
                               "--tasks", str(PAGES * PAGE_SIZE)], stdout=subprocess.PIPE, text=True)
    try:
        base = server.stdout.readline().strip().removeprefix("listening on ")
        manifest = {
            "manifest_version": 1, "state": {"path": os.path.join(work, "state.db")},
            "sources": {"api": {"plugin": "http", "config": {"base_url": base, "max_concurrency": 4, "streams": {"tasks": {
                "path": "/page/tasks", "records_path": "$.tasks",
                "pagination": {"type": "page_number", "page_param": "page", "size_param": "per_page",
                               "page_size": PAGE_SIZE, "total_path": "$.total"},
                "columns": [{"name": "id", "path": "$.id", "type": "int64"}, {"name": "name", "path": "$.name", "type": "text"},
                            {"name": "status", "path": "$.status", "type": "text"},
                            {"name": "updated_at", "path": "$.updated_at", "type": "text"},
                            {"name": "assignee", "path": "$.assignees[0].username", "type": "text"},
                            {"name": "points", "path": "$.points", "type": "double"}]}}}}},
            "sinks": {"warehouse": {"plugin": "sqlite", "config": {"path": os.path.join(work, "etl.db")}}},
            "control_table": [{"id": "tasks", "source": "api", "stream": "tasks", "sink": "warehouse",
                               "target": "tasks", "mode": "full", "batch_size": 5000}],
        }
        path = os.path.join(work, "plugins.json")
        json.dump(manifest, open(path, "w"))
        ours = timed([RUNTIME, "run", "--manifest", path])
        script = os.path.join(work, "loop.py")
        open(script, "w").write(REQUESTS_LOOP)
        theirs = timed([python, script, base, os.path.join(work, "requests.db")])
        print(f"\n{PAGES} pages x {PAGE_SIZE} records from the loopback mock API -> SQLite")
        print(f"etl-runtime (http → sqlite)   {ours:6.2f} s   {count(os.path.join(work, 'etl.db'))} rows")
        print(f"python requests + sqlite3     {theirs:6.2f} s   {count(os.path.join(work, 'requests.db'))} rows")
        print(f"etl-runtime is {theirs / ours:.1f}x faster")
    finally:
        server.terminate()
        server.wait()


if __name__ == "__main__":
    main()
