#!/usr/bin/env python3
"""API → SQLite: etl-runtime's http source against a plain Python `requests` loop, same run.

Both pull 200 pages × 500 records (100,000 tasks) over loopback HTTP and load id, name, status,
updated_at, assignee and points into SQLite, five times each, alternating; the medians are
compared. Two servers:

* nginx serving the pages as static files (rendered once by the mock API,
  Tests/MockAPI/mock_api.py): the server costs next to nothing, so this measures the clients;
* the mock API itself (the issue's wording), a threaded Python server that renders each page
  once and then serves it from its cache, as a real API's response cache would; its request
  handling is in both clients' figures.

Prints seconds for each and the ratios (issue 4's target: at least 3x faster).
"""
import json
import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request

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


NGINX_CONFIG = """
daemon off;
master_process off;
worker_processes 1;
pid %(work)s/nginx.pid;
error_log %(work)s/nginx-error.log warn;
events { worker_connections 256; }
http {
    access_log off;
    client_body_temp_path %(work)s/nginx-body;
    proxy_temp_path %(work)s/nginx-proxy;
    fastcgi_temp_path %(work)s/nginx-fastcgi;
    uwsgi_temp_path %(work)s/nginx-uwsgi;
    scgi_temp_path %(work)s/nginx-scgi;
    keepalive_requests 100000;
    types { application/json json; }
    server {
        listen 127.0.0.1:%(port)d;
        root %(work)s;
        location = /page/tasks { try_files /pages/$arg_page.json =404; }
    }
}
"""


def start_mock():
    """The mock API with the bench's tasks on a free port; returns (process, base URL)."""
    mock = subprocess.Popen([sys.executable, os.path.join(ROOT, "Tests", "MockAPI", "mock_api.py"), "--port", "0",
                             "--tasks", str(PAGES * PAGE_SIZE)], stdout=subprocess.PIPE, text=True)
    return mock, mock.stdout.readline().strip().removeprefix("listening on ")


def render_pages(work):
    """Asks the mock API for every page once and stores the bodies as pages/N.json."""
    os.makedirs(os.path.join(work, "pages"))
    mock, base = start_mock()
    try:
        for page in range(1, PAGES + 1):
            with urllib.request.urlopen(f"{base}/page/tasks?page={page}&per_page={PAGE_SIZE}", timeout=30) as response:
                body = response.read()
            with open(os.path.join(work, "pages", f"{page}.json"), "wb") as file:
                file.write(body)
    finally:
        mock.terminate()
        mock.wait()


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def start_nginx(work):
    """nginx in the foreground on a free loopback port serving the rendered pages; returns (process, base URL)."""
    port = free_port()
    config = os.path.join(work, "nginx.conf")
    with open(config, "w") as file:
        file.write(NGINX_CONFIG % {"work": work, "port": port})
    try:
        server = subprocess.Popen(["nginx", "-c", config, "-p", work], stderr=subprocess.PIPE)
    except FileNotFoundError:
        raise SystemExit("nginx is not installed: run `apt-get install -y nginx` (make bench does it)")
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 10
    while True:
        try:
            urllib.request.urlopen(f"{base}/page/tasks?page=1&per_page={PAGE_SIZE}", timeout=1).read()
            return server, base
        except OSError:
            if server.poll() is not None or time.monotonic() > deadline:
                server.kill()
                raise SystemExit(f"nginx did not start: {server.stderr.read().decode(errors='replace')}")
            time.sleep(0.05)


def manifest_for(base, work):
    """The etl-runtime side: one full entry pulling every page (4 at a time) into SQLite."""
    return {
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


def compare(base, work, python, label, runs=5):
    """Runs both clients `runs` times against `base`, alternating; prints the medians and returns the ratio."""
    path = os.path.join(work, "plugins.json")
    with open(path, "w") as file:
        json.dump(manifest_for(base, work), file)
    script = os.path.join(work, "loop.py")
    with open(script, "w") as file:
        file.write(REQUESTS_LOOP)
    ours, theirs = [], []
    for _ in range(runs):
        ours.append(timed([RUNTIME, "run", "--manifest", path]))
        requests_db = os.path.join(work, "requests.db")
        if os.path.exists(requests_db):
            os.remove(requests_db)
        theirs.append(timed([python, script, base, requests_db]))
    ours_median, theirs_median = statistics.median(ours), statistics.median(theirs)
    print(f"\n{PAGES} pages x {PAGE_SIZE} records over loopback HTTP ({label}) -> SQLite, median of {runs}")
    print(f"etl-runtime (http → sqlite)   {ours_median:6.2f} s   {count(os.path.join(work, 'etl.db'))} rows")
    print(f"python requests + sqlite3     {theirs_median:6.2f} s   {count(os.path.join(work, 'requests.db'))} rows")
    print(f"etl-runtime is {theirs_median / ours_median:.1f}x faster")
    return theirs_median / ours_median


def main():
    work = tempfile.mkdtemp(prefix="etl-http-bench-")
    python = os.environ.get("BENCH_PYTHON", sys.executable)
    try:
        render_pages(work)
        server, base = start_nginx(work)
        try:
            compare(base, work, python, "nginx, static pages")
        finally:
            server.terminate()
            server.wait()
        mock, base = start_mock()
        try:
            compare(base, work, python, "the mock API")
        finally:
            mock.terminate()
            mock.wait()
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
