"""Self-test of range_file_server.py: ranges are served and each request is logged with the
body bytes it was answered with (what the csv remote tests count)."""

import json
import os
import subprocess
import sys
import tempfile
import urllib.request

SERVER = os.path.join(os.path.dirname(os.path.abspath(__file__)), "range_file_server.py")
OPENER = urllib.request.build_opener(urllib.request.ProxyHandler({}))


def get(url, range_header=None, method="GET"):
    request = urllib.request.Request(url, method=method, headers={"Range": range_header} if range_header else {})
    try:
        with OPENER.open(request, timeout=10) as response:
            return response.status, response.headers, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.headers, error.read()


def test_requests_are_logged_with_the_body_bytes_they_were_answered_with():
    with tempfile.TemporaryDirectory() as root:
        with open(os.path.join(root, "log.csv"), "wb") as handle:
            handle.write(b"0123456789" * 10)
        log = os.path.join(root, "requests.jsonl")
        process = subprocess.Popen([sys.executable, SERVER, "--root", root, "--port", "0", "--log", log],
                                   stdout=subprocess.PIPE, text=True)
        try:
            base = process.stdout.readline().split()[-1]
            status, headers, body = get(base + "/log.csv", "bytes=90-")
            assert (status, body, headers["Content-Range"]) == (206, b"0123456789", "bytes 90-99/100")
            status, headers, _ = get(base + "/log.csv", "bytes=100-")
            assert (status, headers["Content-Range"]) == (416, "bytes */100")
            assert get(base + "/log.csv", method="HEAD")[0] == 200
            assert get(base + "/log.csv")[2] == b"0123456789" * 10
            with open(log, encoding="utf-8") as lines:
                logged = [json.loads(line) for line in lines]
            assert [(entry["method"], entry["range"], entry["status"], entry["bytes"]) for entry in logged] == [
                ("GET", "bytes=90-", 206, 10),
                ("GET", "bytes=100-", 416, len(b"range not satisfiable\n")),
                ("HEAD", None, 200, 0),
                ("GET", None, 200, 100),
            ]
        finally:
            process.terminate()
            process.wait(timeout=10)
