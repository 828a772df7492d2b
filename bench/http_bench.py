#!/usr/bin/env python3
"""API → SQLite: etl-runtime's http source against a plain Python `requests` loop, same run.

Both pull 200 pages × 500 records (100,000 tasks) over loopback HTTP and load id, name, status,
updated_at, assignee and points into SQLite. The pages are rendered once by the mock API
(Tests/MockAPI/mock_api.py) and then served as static files by nginx, so the run measures the
two clients rather than the mock's own speed (the Python mock needs about as long to render the
pages as a fast client needs to load them). Both clients hit the same nginx in the same run.
Prints seconds for each and the ratio (issue 4's target: at least 3x faster).
"""
import json
import os
import shutil
import socket
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


def render_pages(work):
    """Asks the mock API for every page once and stores the bodies as pages/N.json."""
    os.makedirs(os.path.join(work, "pages"))
    mock = subprocess.Popen([sys.executable, os.path.join(ROOT, "Tests", "MockAPI", "mock_api.py"), "--port", "0",
                             "--tasks", str(PAGES * PAGE_SIZE)], stdout=subprocess.PIPE, text=True)
    try:
        base = mock.stdout.readline().strip().removeprefix("listening on ")
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


def main():
    work = tempfile.mkdtemp(prefix="etl-http-bench-")
    python = os.environ.get("BENCH_PYTHON", sys.executable)
    render_pages(work)
    server, base = start_nginx(work)
    try:
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
        print(f"\n{PAGES} pages x {PAGE_SIZE} records over loopback HTTP (nginx, static pages) -> SQLite")
        print(f"etl-runtime (http → sqlite)   {ours:6.2f} s   {count(os.path.join(work, 'etl.db'))} rows")
        print(f"python requests + sqlite3     {theirs:6.2f} s   {count(os.path.join(work, 'requests.db'))} rows")
        print(f"etl-runtime is {theirs / ours:.1f}x faster")
    finally:
        server.terminate()
        server.wait()
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
