#!/usr/bin/env python3
"""A static file server for the csv source's remote-file tests, on 127.0.0.1.

Serves the files of --root with GET and HEAD, honouring single byte ranges
(`Range: bytes=A-B`, `bytes=A-`, `bytes=-N`) with 206 Partial Content and 416
for a range past the end, which Python's http.server does not do. Options:

  --ignore-range   answer every GET with 200 and the whole file (a server without range support)
  --token T        require `Authorization: Bearer T` (401 otherwise)
  --drop-after N   cut the first whole-file GET after N body bytes (the client must resume with a range)
  --log FILE       append one JSON line per request: method, path, range, status, the body
                   bytes sent, and whether an Authorization header came (never its value)
  --watch-stdin    exit when standard input closes (the test process died)

Prints `listening on http://127.0.0.1:PORT` once it listens.
"""

import argparse
import email.utils
import json
import os
import re
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import unquote, urlsplit

RANGE = re.compile(r"^bytes=(\d*)-(\d*)$")


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "RangeFileServer/1.0"

    def log_message(self, format, *args):  # noqa: A002 - quiet: the JSON log is the record
        pass

    def do_HEAD(self):
        self.serve(send_body=False)

    def do_GET(self):
        self.serve(send_body=True)

    def serve(self, send_body):
        self.answer(self.server.options, self.headers.get("Range"), send_body)

    def record(self, status, sent=0):
        """Logs this request with its status and the body bytes it is answered with (`sent`)
        before the body goes out, so a client that has read the whole answer always finds the
        request in the log."""
        options = self.server.options
        if not options.log:
            return
        entry = {
            "method": self.command,
            "path": urlsplit(self.path).path,
            "range": self.headers.get("Range"),
            "status": status,
            "bytes": sent,
            "authorization": self.headers.get("Authorization") is not None,
        }
        with self.server.log_lock, open(options.log, "a", encoding="utf-8") as log:
            log.write(json.dumps(entry) + "\n")

    def answer(self, options, requested_range, send_body):
        if options.token and self.headers.get("Authorization") != f"Bearer {options.token}":
            return self.send_plain(401, b"missing or wrong bearer token\n", send_body)
        relative = unquote(urlsplit(self.path).path).lstrip("/")
        path = os.path.realpath(os.path.join(options.root, relative))
        if not path.startswith(os.path.realpath(options.root) + os.sep) or not os.path.isfile(path):
            return self.send_plain(404, b"no such file\n", send_body)
        with open(path, "rb") as handle:
            data = handle.read()
        size = len(data)
        modified = email.utils.formatdate(os.path.getmtime(path), usegmt=True)
        match = RANGE.match(requested_range or "") if requested_range and not options.ignore_range else None
        if requested_range and not options.ignore_range and not match:
            return self.send_plain(416, b"unsupported range\n", send_body, {"Content-Range": f"bytes */{size}"})
        if match:
            first, last = match.group(1), match.group(2)
            if first == "":
                start, end = max(0, size - int(last or 0)), size - 1
            else:
                start = int(first)
                end = min(int(last), size - 1) if last else size - 1
            if start >= size or start > end:
                return self.send_plain(416, b"range not satisfiable\n", send_body, {"Content-Range": f"bytes */{size}"})
            body = data[start : end + 1]
            headers = {"Content-Range": f"bytes {start}-{end}/{size}"}
            return self.send_bytes(206, body, send_body, headers, modified)
        return self.send_bytes(200, data, send_body, {}, modified)

    def send_bytes(self, status, body, send_body, headers, modified):
        self.send_response(status)
        self.send_header("Content-Type", "text/csv")
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Last-Modified", modified)
        if not self.server.options.ignore_range:
            self.send_header("Accept-Ranges", "bytes")
        for name, value in headers.items():
            self.send_header(name, value)
        if send_body and status == 200 and self.server.drops_left > 0:
            self.server.drops_left -= 1
            self.record("dropped", min(len(body), self.server.options.drop_after))
            self.end_headers()
            self.wfile.write(body[: self.server.options.drop_after])
            self.wfile.flush()
            self.close_connection = True
            return
        self.record(status, len(body) if send_body else 0)
        self.end_headers()
        if send_body:
            self.wfile.write(body)

    def send_plain(self, status, body, send_body, headers=None):
        self.send_response(status)
        self.send_header("Content-Type", "text/plain")
        self.send_header("Content-Length", str(len(body)))
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.record(status, len(body) if send_body else 0)
        self.end_headers()
        if send_body:
            self.wfile.write(body)


def main(argv=None):
    parser = argparse.ArgumentParser(description="Static files with byte ranges, for the csv remote tests.")
    parser.add_argument("--root", required=True, help="the folder to serve")
    parser.add_argument("--port", type=int, default=0, help="port on 127.0.0.1; 0 picks a free one")
    parser.add_argument("--ignore-range", action="store_true", help="answer 200 with the whole file to every GET")
    parser.add_argument("--token", default=None, help="require this bearer token")
    parser.add_argument("--drop-after", type=int, default=None, help="cut the first whole-file GET after this many bytes")
    parser.add_argument("--log", default=None, help="append one JSON line per request to this file")
    parser.add_argument("--watch-stdin", action="store_true", help="exit when standard input is closed")
    options = parser.parse_args(argv)

    server = ThreadingHTTPServer(("127.0.0.1", options.port), Handler)
    server.daemon_threads = True
    server.options = options
    server.log_lock = threading.Lock()
    server.drops_left = 1 if options.drop_after is not None else 0
    if options.watch_stdin:
        def watch():
            sys.stdin.buffer.read()
            os._exit(0)
        threading.Thread(target=watch, daemon=True).start()
    print(f"listening on http://127.0.0.1:{server.server_address[1]}", flush=True)
    server.serve_forever()


if __name__ == "__main__":
    main()
