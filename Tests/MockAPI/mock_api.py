#!/usr/bin/env python3
"""A mock task-tracker API for the tests of the `http` source and sink plugins.

Python 3 standard library only. Start it with

    python3 Tests/MockAPI/mock_api.py --port 0 [--token SECRET] [--tasks 250]
                                      [--tls-cert CERT.pem --tls-key KEY.pem]

It prints exactly one line, `listening on http://127.0.0.1:PORT` (`https://` with --tls-cert),
and serves until it gets
SIGTERM or SIGINT (or, with --watch-stdin, until its standard input is closed, so a crashed
test process never leaves it behind). The endpoints are listed in README.md beside this file;
the table of routes is ROUTES at the end of the handlers.
"""

import argparse
import base64
import bisect
import datetime
import email.utils
import json
import math
import os
import re
import signal
import socket
import ssl
import sys
import threading
import time
import traceback
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

DEFAULT_PER_PAGE = 50
MAX_PER_PAGE = 10000
DEFAULT_SLOW_DELAY = 5.0
FLAKY_FAILURES = 2
FIRST_WRITE_ID = 100001
BASIC_USER = "etl"
MALFORMED_BODY = b'{"tasks": [{"id": 1,, }'
# The first byte of every TLS connection: the record type of the ClientHello (handshake).
TLS_HANDSHAKE_RECORD = 0x16
# How long a new connection may take to send its first byte and finish the TLS handshake.
HANDSHAKE_TIMEOUT = 10.0

USERS = ["alice", "bob", "carol", "dave", "erin", "frank", "grace"]
COMPANY_NAMES = ["Acme", "Globex", "Initech", "Umbrella", "Hooli", "Stark Industries",
                 "Wayne Enterprises", "Wonka", "Tyrell", "Cyberdyne", "Soylent", "Aperture"]
# 2024-01-01T00:00:00Z: every generated timestamp is this plus a whole number of seconds.
EPOCH_BASE = 1704067200
TASKS_PER_TIMESTAMP = 3


# ---------------------------------------------------------------------------------------------
# Time


def iso(epoch_seconds):
    """`2024-01-01T00:00:00Z` for whole seconds since the Unix epoch (UTC)."""
    moment = datetime.datetime.fromtimestamp(epoch_seconds, datetime.timezone.utc)
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def parse_iso(text):
    """Seconds since the epoch (float) for an ISO 8601 timestamp; naive means UTC.

    A `+` left unencoded in a query string arrives as a space, so `... 00:00` is retried as
    `...+00:00`: the mock accepts what a careless client sends rather than hiding its data.
    """
    for candidate in (text, text.replace(" ", "+")):
        try:
            moment = datetime.datetime.fromisoformat(candidate)
        except ValueError:
            continue
        if moment.tzinfo is None:
            moment = moment.replace(tzinfo=datetime.timezone.utc)
        return moment.timestamp()
    raise BadRequest(f"not an ISO 8601 timestamp: {text!r}")


def parse_number(text, name):
    if isinstance(text, bool):
        raise BadRequest(f"{name} must be a number, got {text!r}")
    try:
        value = float(text)
    except (TypeError, ValueError):
        raise BadRequest(f"{name} must be a number, got {text!r}") from None
    if not math.isfinite(value):
        raise BadRequest(f"{name} must be finite, got {text!r}")
    return value


def since_from(params):
    """The lower bound (epoch seconds, inclusive) asked for by `params`, or None.

    The three spellings may be combined; each is a filter, so the latest one wins.
    """
    bounds = []
    if params.get("updated_since") not in (None, ""):
        value = params["updated_since"]
        if not isinstance(value, str):
            raise BadRequest(f"updated_since must be an ISO 8601 string, got {value!r}")
        bounds.append(parse_iso(value))
    if params.get("updated_since_epoch") not in (None, ""):
        bounds.append(parse_number(params["updated_since_epoch"], "updated_since_epoch"))
    if params.get("updated_since_ms") not in (None, ""):
        bounds.append(parse_number(params["updated_since_ms"], "updated_since_ms") / 1000.0)
    return max(bounds) if bounds else None


# ---------------------------------------------------------------------------------------------
# The deterministic dataset


def build_companies():
    return [{"id": number, "name": name, "updated_at": iso(EPOCH_BASE + ((number - 1) // 2) * 86400)}
            for number, name in enumerate(COMPANY_NAMES, start=1)]


def build_task(number, companies):
    """Task `number`: every field is a function of the number alone (no randomness)."""
    company = companies[(number - 1) % len(companies)]
    if number % 5 == 0:
        assignees = []
    elif number % 5 == 1:
        assignees = [{"username": USERS[number % len(USERS)]}, {"username": USERS[(number + 3) % len(USERS)]}]
    else:
        assignees = [{"username": USERS[number % len(USERS)]}]
    # Some names carry non-ASCII text and quotes so clients prove their JSON decoding.
    name = f"Tâche {number} \"urgent\"" if number % 11 == 0 else f"Task {number}"
    return {
        "id": number,
        "name": name,
        "status": "done" if number % 3 == 0 else "open",
        # Groups of TASKS_PER_TIMESTAMP tasks share one timestamp: ties for the watermark.
        "updated_at": iso(EPOCH_BASE + ((number - 1) // TASKS_PER_TIMESTAMP) * 60),
        "assignees": assignees,
        "company": {"id": company["id"], "name": company["name"]},
        "points": None if number % 7 == 0 else (number % 8) * 0.5,
    }


def build_tasks(count):
    companies = build_companies()
    return [build_task(number, companies) for number in range(1, count + 1)]


class Collection:
    """Records by id, served in (updated_at, id) order; the caller holds the store's lock.

    The sorted snapshot is rebuilt only after a change and then shared read-only by every
    request: pages of a 100,000-record dataset cost a slice, not a sort.
    """

    def __init__(self, records):
        self._records = {}
        self._epochs = {}
        self._snapshot = None
        for record in records:
            self.upsert(record)

    def upsert(self, record):
        """Inserts `record`, or merges its fields into the record with the same id."""
        merged = {**self._records.get(record["id"], {}), **record}
        self._epochs[record["id"]] = parse_iso(merged["updated_at"])
        self._records[record["id"]] = merged
        self._snapshot = None
        return merged

    def ids(self):
        return self._records.keys()

    def snapshot(self):
        if self._snapshot is None:
            keys = sorted((self._epochs[key], key) for key in self._records)
            self._snapshot = Window([self._records[key] for _, key in keys], [epoch for epoch, _ in keys])
        return self._snapshot


class Window:
    """The records from `start` on, in order: what a filtered list endpoint pages through."""

    def __init__(self, records, epochs, start=0):
        self.records = records
        self.epochs = epochs
        self.start = start

    def since(self, bound):
        if bound is None:
            return self
        return Window(self.records, self.epochs, bisect.bisect_left(self.epochs, bound))

    @property
    def total(self):
        return len(self.records) - self.start

    def slice(self, offset, limit):
        begin = self.start + offset
        return self.records[begin:begin + limit]


# ---------------------------------------------------------------------------------------------
# State shared by every request thread


class Store:
    """The dataset, the request logs and the fault counters, all behind one lock."""

    def __init__(self, task_count):
        self.task_count = task_count
        self.lock = threading.Lock()
        self.reset()

    def reset(self):
        with self.lock:
            self.tasks = Collection(build_tasks(self.task_count))
            self.companies = Collection(build_companies())
            self.requests = []
            self.writes = []
            self.handshakes = []
            self.counters = {}
            self.next_write_id = FIRST_WRITE_ID

    def count(self, key):
        """How many times `key` has been seen, this time included."""
        with self.lock:
            self.counters[key] = self.counters.get(key, 0) + 1
            return self.counters[key]

    def new_write_id(self):
        with self.lock:
            self.next_write_id += 1
            return self.next_write_id - 1

    def upsert_tasks(self, records):
        """Upserts all of `records` or, when one is invalid, none of them."""
        for record in records:
            validate_task(record)
        with self.lock:
            known = set(self.tasks.ids())
            for record in records:
                if "updated_at" not in record and record["id"] not in known:
                    raise BadRequest(f"task {record['id']} is new and has no updated_at")
                known.add(record["id"])
            return [self.tasks.upsert(record) for record in records]

    def window(self, collection_name, since):
        with self.lock:
            return getattr(self, collection_name).snapshot().since(since)

    def log(self, name, entry):
        with self.lock:
            getattr(self, name).append(entry)

    def set_status(self, entry, status):
        with self.lock:
            entry["status"] = status

    def dump(self, name):
        with self.lock:
            return json.dumps(getattr(self, name)).encode()


def validate_task(record):
    if not isinstance(record, dict):
        raise BadRequest(f"a task must be a JSON object, got {json.dumps(record)[:80]}")
    if not isinstance(record.get("id"), int) or isinstance(record.get("id"), bool):
        raise BadRequest(f"a task needs an integer id, got {json.dumps(record)[:80]}")
    if "updated_at" in record:
        if not isinstance(record["updated_at"], str):
            raise BadRequest(f"task {record['id']}: updated_at must be an ISO 8601 string")
        parse_iso(record["updated_at"])


# ---------------------------------------------------------------------------------------------
# Requests and responses


class BadRequest(Exception):
    """The client sent something the endpoint cannot use: answered with 400 and the reason."""


class Request:
    """What a handler sees: `query` maps each name to its last value; `headers` is
    case-insensitive."""

    def __init__(self, method, path, raw_query, headers, body, match):
        self.method = method
        self.path = path
        self.raw_query = raw_query
        self.query_pairs = urllib.parse.parse_qsl(raw_query, keep_blank_values=True)
        self.query = dict(self.query_pairs)
        self.headers = headers
        self.body = body
        self.match = match

    def json_body(self):
        try:
            return json.loads(self.body.decode("utf-8"))
        except (UnicodeDecodeError, ValueError) as error:
            raise BadRequest(f"the request body is not valid JSON: {error}") from None

    def header(self, name):
        return self.headers.get(name)


class Response:
    def __init__(self, status, body=b"", headers=None, content_type="application/json"):
        self.status = status
        self.body = body
        self.headers = list(headers or [])
        if body:
            self.headers.append(("Content-Type", content_type))


def json_response(status, value, headers=None):
    return Response(status, json.dumps(value).encode(), headers)


def error_response(status, message, headers=None):
    return json_response(status, {"error": message}, headers)


def int_param(params, name, default, minimum, maximum):
    raw = params.get(name)
    if raw is None or raw == "":
        return default
    if isinstance(raw, bool):
        raise BadRequest(f"{name} must be an integer, got {raw!r}")
    try:
        value = int(raw)
    except (TypeError, ValueError):
        raise BadRequest(f"{name} must be an integer, got {raw!r}") from None
    if isinstance(raw, float) and raw != value:
        raise BadRequest(f"{name} must be an integer, got {raw!r}")
    if not minimum <= value <= maximum:
        raise BadRequest(f"{name} must be between {minimum} and {maximum}, got {value}")
    return value


def page_params(params):
    return (int_param(params, "page", 1, 1, 10**9),
            int_param(params, "per_page", DEFAULT_PER_PAGE, 1, MAX_PER_PAGE))


def encode_cursor(offset):
    return base64.urlsafe_b64encode(f"offset:{offset}".encode()).decode().rstrip("=")


def decode_cursor(cursor):
    try:
        text = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
    except (ValueError, UnicodeDecodeError):
        text = ""
    found = re.fullmatch(r"offset:(\d+)", text)
    if not found:
        raise BadRequest(f"unknown cursor {cursor!r}")
    return int(found.group(1))


# ---------------------------------------------------------------------------------------------
# Handlers: each takes (app, request) and returns a Response.


def page_of(app, request, collection="tasks", params=None):
    """One page of a page-number endpoint: (records, total, page, per_page)."""
    params = request.query if params is None else params
    page, per_page = page_params(params)
    window = app.store.window(collection, since_from(params))
    return window.slice((page - 1) * per_page, per_page), window.total, page, per_page


def page_tasks(app, request):
    page, per_page = page_params(request.query)
    window = app.store.window("tasks", since_from(request.query))

    def render():
        records = window.slice((page - 1) * per_page, per_page)
        return json.dumps({"tasks": records, "total": window.total, "page": page}).encode()

    return Response(200, app.rendered_pages.body(window.records, (window.start, page, per_page), render))


class RenderedPages:
    """The bodies of /page/tasks already rendered from the current snapshot of the tasks.

    Unchanged data is rendered once per page, as a real API's response cache would: a fast
    client then measures itself rather than this mock's JSON encoder (bench/http_bench.py).
    A body is keyed by the snapshot it was rendered from, so a change is never served stale.
    """

    def __init__(self):
        self._current = (None, {})

    def body(self, snapshot, key, render):
        current = self._current
        if current[0] is not snapshot:
            current = (snapshot, {})
            self._current = current
        body = current[1].get(key)
        if body is None:
            body = render()
            current[1][key] = body
        return body


def page_nototal_tasks(app, request):
    records, _, _, _ = page_of(app, request)
    return json_response(200, {"tasks": records})


def offset_tasks(app, request):
    offset = int_param(request.query, "offset", 0, 0, 10**12)
    limit = int_param(request.query, "limit", DEFAULT_PER_PAGE, 1, MAX_PER_PAGE)
    window = app.store.window("tasks", since_from(request.query))
    return json_response(200, {"results": window.slice(offset, limit), "count": window.total})


def cursor_tasks(app, request):
    cursor = request.query.get("cursor") or ""
    offset = decode_cursor(cursor) if cursor else 0
    limit = int_param(request.query, "limit", DEFAULT_PER_PAGE, 1, MAX_PER_PAGE)
    window = app.store.window("tasks", since_from(request.query))
    next_cursor = encode_cursor(offset + limit) if offset + limit < window.total else None
    return json_response(200, {"data": window.slice(offset, limit), "meta": {"next_cursor": next_cursor}})


def link_tasks(app, request):
    records, total, page, per_page = page_of(app, request)
    headers = []
    if page * per_page < total:
        # Other parameters (a filter) are carried over so following the link is enough.
        kept = [(key, value) for key, value in request.query_pairs if key not in ("page", "per_page")]
        query = urllib.parse.urlencode([("page", page + 1), ("per_page", per_page)] + kept)
        headers.append(("Link", f'<{app.base_url}/link/tasks?{query}>; rel="next"'))
    return json_response(200, records, headers)


def loop_tasks(app, request):
    window = app.store.window("tasks", since_from(request.query))
    return json_response(200, {"data": window.slice(0, 1), "meta": {"next_cursor": "same"}})


def repeat_tasks(app, request):
    # Byte-identical to page 1 whatever page is asked: detectable by records or by body.
    params = {**request.query, "page": "1"}
    records, total, _, _ = page_of(app, request, params=params)
    return json_response(200, {"tasks": records, "total": total, "page": 1})


def companies(app, request):
    records, total, _, _ = page_of(app, request, collection="companies")
    return json_response(200, {"companies": records, "total": total})


def search_tasks(app, request):
    body = request.json_body() if request.body else {}
    if not isinstance(body, dict):
        raise BadRequest("the search body must be a JSON object")
    records, total, _, _ = page_of(app, request, params=body)
    return json_response(200, {"tasks": records, "total": total})


def bearer_tasks(app, request):
    if request.header("Authorization") != f"Bearer {app.token}":
        return error_response(401, "unauthorized", [("WWW-Authenticate", 'Bearer realm="mock"')])
    return page_tasks(app, request)


def basic_tasks(app, request):
    expected = base64.b64encode(f"{BASIC_USER}:{app.token}".encode()).decode()
    if request.header("Authorization") != f"Basic {expected}":
        return error_response(401, "unauthorized", [("WWW-Authenticate", 'Basic realm="mock"')])
    return page_tasks(app, request)


def apikey_tasks(app, request):
    if app.token not in (request.header("X-API-Key"), request.query.get("api_key")):
        return error_response(403, "forbidden")
    return page_tasks(app, request)


def fault_key(request):
    return f"{request.path}?{request.raw_query}"


def flaky_tasks(app, request):
    if app.store.count(fault_key(request)) <= FLAKY_FAILURES:
        return error_response(500, "internal error (flaky endpoint)")
    return page_tasks(app, request)


def ratelimited_tasks(app, request):
    if app.store.count(fault_key(request)) == 1:
        return error_response(429, "rate limited", [("Retry-After", "1")])
    return page_tasks(app, request)


def ratelimited_date_tasks(app, request):
    if app.store.count(fault_key(request)) == 1:
        # HTTP dates have whole seconds: the next whole second plus one is 1 to 2 s ahead.
        retry_at = email.utils.formatdate(math.floor(time.time()) + 2, usegmt=True)
        return error_response(429, "rate limited", [("Retry-After", retry_at)])
    return page_tasks(app, request)


def slow_tasks(app, request):
    delay = parse_number(request.query.get("delay", DEFAULT_SLOW_DELAY), "delay")
    if not 0 <= delay <= 600:
        raise BadRequest(f"delay must be between 0 and 600 seconds, got {delay}")
    # slow_from_page=N: pages before N answer at once (a load that stalls part-way).
    slow_from = int_param(request.query, "slow_from_page", 1, 1, 10**9)
    page, _ = page_params(request.query)
    if page >= slow_from:
        time.sleep(delay)
    return page_tasks(app, request)


def malformed_tasks(app, request):
    return Response(200, MALFORMED_BODY)


def not_found(app, request):
    return error_response(404, "not found")


def forbidden(app, request):
    return error_response(403, "forbidden")


def json_object_body(request):
    body = request.json_body()
    if not isinstance(body, dict):
        raise BadRequest("the body must be a JSON object")
    return body


def create_in_list(app, request):
    body = json_object_body(request)
    name = body.get("name") if isinstance(body.get("name"), str) else ""
    if "FAIL" in name:
        return error_response(422, "name rejected")
    # Keyed by list and name so each FLAKY record fails once, however many share the list.
    if "FLAKY" in name and app.store.count(f"write {request.path} {name}") == 1:
        return error_response(500, "internal error (flaky write)")
    created = {"id": app.store.new_write_id()}
    created.update((key, value) for key, value in body.items() if key != "id")
    return json_response(201, created)


def put_task(app, request):
    body = json_object_body(request)
    stored = app.store.upsert_tasks([{**body, "id": int(request.match.group("id"))}])
    return json_response(200, stored[0])


def bulk_tasks(app, request):
    body = request.json_body()
    if not isinstance(body, list):
        raise BadRequest("the bulk body must be a JSON array")
    return json_response(200, {"accepted": len(body)})


# ---------------------------------------------------------------------------------------------
# Sink delivery (issue 10): batches per list, and endpoints that always fail


def bulk_in_list(app, request):
    body = request.json_body()
    if not isinstance(body, list):
        raise BadRequest("the bulk body must be a JSON array")
    return json_response(200, {"list": request.match.group("list_id"), "accepted": len(body)})


def always_status(app, request):
    """Answers every write with the status in its path (401, 403, 408, 429, 500, 503, ...)."""
    status = int(request.match.group("status"))
    return error_response(status, f"always {status}")


def control_reset(app, request):
    app.store.reset()
    return json_response(200, {"reset": True})


def control_tasks(app, request):
    body = request.json_body()
    if not isinstance(body, list):
        raise BadRequest("POST /_control/tasks takes a JSON array of task objects")
    return json_response(200, {"upserted": len(app.store.upsert_tasks(body))})


def control_requests(app, request):
    return Response(200, app.store.dump("requests"))


def control_writes(app, request):
    return Response(200, app.store.dump("writes"))


def control_handshakes(app, request):
    return Response(200, app.store.dump("handshakes"))


# ---------------------------------------------------------------------------------------------
# OAuth 2.0 and login tokens (helper 4): /oauth/token, /login, /oauth/tasks, /_control/oauth

OAUTH_CLIENT_ID = "etl-client"
LOGIN_USER = "etl"


class TokenIssuer:
    """Tokens issued by /oauth/token and /login, and the rules /oauth/tasks checks them by.

    The client secret, the login password and the first refresh token derive from --token:
    `<token>` is the client secret and the password, `<token>-refresh` the refresh token.
    """

    def __init__(self, secret):
        self.secret = secret
        self.lock = threading.Lock()
        self.configure({})

    def configure(self, settings):
        with self.lock:
            self.expires_in = float(settings.get("expires_in", 3600))
            # A token refused after this many uses (a server-side revocation), None: never.
            self.requests_per_token = settings.get("requests_per_token")
            self.refuse_all = bool(settings.get("refuse_all", False))
            self.rotate = bool(settings.get("rotate_refresh_tokens", False))
            self.tokens = {}  # token -> {"expires": epoch seconds, "uses": n}
            self.refresh_tokens = {f"{self.secret}-refresh"}
            self.grants = []
            self.refused = 0
            self.served = 0

    def issue(self):
        with self.lock:
            token = f"mock-access-token-{len(self.tokens) + 1:04d}"
            self.tokens[token] = {"expires": time.time() + self.expires_in, "uses": 0}
            return token

    def new_refresh_token(self, old):
        with self.lock:
            if not self.rotate:
                return None
            self.refresh_tokens.discard(old)
            rotated = f"mock-refresh-token-{len(self.grants):04d}"
            self.refresh_tokens.add(rotated)
            return rotated

    def accepts(self, header):
        """True when `header` carries a live token (and counts the use)."""
        with self.lock:
            token = (header or "")[len("Bearer "):] if (header or "").startswith("Bearer ") else None
            entry = self.tokens.get(token)
            live = (entry is not None and not self.refuse_all and time.time() < entry["expires"]
                    and (self.requests_per_token is None or entry["uses"] < self.requests_per_token))
            if live:
                entry["uses"] += 1
                self.served += 1
            else:
                self.refused += 1
            return live

    def stats(self):
        with self.lock:
            return {"issued": len(self.tokens), "refused": self.refused, "served": self.served,
                    "grants": list(self.grants)}


ISSUER_LOCK = threading.Lock()


def token_issuer(app):
    with ISSUER_LOCK:
        if not hasattr(app, "token_issuer"):
            app.token_issuer = TokenIssuer(app.token)
        return app.token_issuer


def oauth_error(status, code, description):
    return json_response(status, {"error": code, "error_description": description},
                         [("Cache-Control", "no-store")])


def oauth_token(app, request):
    """RFC 6749 token endpoint: client_credentials and refresh_token grants, form-encoded."""
    issuer = token_issuer(app)
    form = dict(urllib.parse.parse_qsl(request.body.decode("utf-8", "replace"), keep_blank_values=True))
    client_id, client_secret, client_auth = form.get("client_id"), form.get("client_secret"), "body"
    basic = request.header("Authorization") or ""
    if basic.startswith("Basic "):
        decoded = base64.b64decode(basic[len("Basic "):]).decode("utf-8", "replace")
        name, _, password = decoded.partition(":")
        client_id, client_secret = urllib.parse.unquote_plus(name), urllib.parse.unquote_plus(password)
        client_auth = "basic"
    grant_type = form.get("grant_type")
    with issuer.lock:
        issuer.grants.append({"grant_type": grant_type, "client_auth": client_auth, "scope": form.get("scope"),
                              "audience": form.get("audience")})
    if client_id != OAUTH_CLIENT_ID or (client_secret is not None and client_secret != app.token):
        return oauth_error(401, "invalid_client", "client authentication failed")
    if grant_type == "client_credentials":
        if client_secret is None:
            return oauth_error(401, "invalid_client", "client_credentials needs the client secret")
        rotated = None
    elif grant_type == "refresh_token":
        old = form.get("refresh_token")
        if old not in issuer.refresh_tokens:
            return oauth_error(400, "invalid_grant", "the refresh token is invalid, expired or revoked")
        rotated = issuer.new_refresh_token(old)
    else:
        return oauth_error(400, "unsupported_grant_type", f"grant_type {grant_type!r} is not supported")
    answer = {"access_token": issuer.issue(), "token_type": "Bearer", "expires_in": issuer.expires_in}
    if form.get("scope"):
        answer["scope"] = form["scope"]
    if rotated:
        answer["refresh_token"] = rotated
    return json_response(200, answer, [("Cache-Control", "no-store")])


def login(app, request):
    """A session login: {"username", "password"} in, {"data": {"token": ...}} out."""
    body = request.json_body()
    if not isinstance(body, dict) or body.get("username") != LOGIN_USER or body.get("password") != app.token:
        return error_response(401, "invalid username or password")
    return json_response(200, {"data": {"token": token_issuer(app).issue(), "user": LOGIN_USER}})


def oauth_tasks(app, request):
    """/page/tasks for holders of a live token; `delay` (seconds) slows each page down."""
    if not token_issuer(app).accepts(request.header("Authorization")):
        return error_response(401, "invalid_token", [("WWW-Authenticate", 'Bearer error="invalid_token"')])
    delay = parse_number(request.query.get("delay", 0), "delay")
    if not 0 <= delay <= 10:
        raise BadRequest(f"delay must be between 0 and 10 seconds, got {delay}")
    time.sleep(delay)
    return page_tasks(app, request)


def control_oauth(app, request):
    issuer = token_issuer(app)
    if request.method == "POST":
        settings = request.json_body() if request.body else {}
        if not isinstance(settings, dict):
            raise BadRequest("POST /_control/oauth takes a JSON object")
        issuer.configure(settings)
    return json_response(200, issuer.stats())


# ---------------------------------------------------------------------------------------------
# Epoch timestamps (helper 4): /epoch/tasks


def epoch_tasks(app, request):
    """/page/tasks with `updated_at` in epoch milliseconds and `created_s` in epoch seconds
    (a string for every other task: APIs send both). Filter with updated_since_ms."""
    records, total, _, _ = page_of(app, request)
    converted = []
    for record in records:
        seconds = int(parse_iso(record["updated_at"]))
        created = seconds - 86400
        converted.append({**record, "updated_at": seconds * 1000,
                          "created_s": str(created) if record["id"] % 2 == 0 else created})
    return json_response(200, {"tasks": converted, "total": total})
# Shapes real APIs have: ClickUp-like nested lists and custom fields, a HubSpot-like POST search,
# a watermark in a header. Fixed data, a function of the ids alone.

# ClickUp: team -> spaces -> lists -> tasks. List "300" (space "s3", reachable only directly)
# has no tasks endpoint: it answers 404, as a list deleted between two calls does.
CLICKUP_SPACES = {"t1": [{"id": "s1", "name": "Engineering"}, {"id": "s2", "name": "Sales"}],
                  "t9": [{"id": "s3", "name": "Archive"}]}
CLICKUP_LISTS = {"s1": [{"id": "101", "name": "Backlog"}, {"id": "102", "name": "Sprint"}],
                 "s2": [{"id": "201", "name": "Leads"}, {"id": "202", "name": "Empty"}],
                 "s3": [{"id": "300", "name": "Gone"}]}
CLICKUP_TASK_COUNTS = {"101": 3, "102": 2, "201": 1, "202": 0}
SQUADS = ["Core", "Edge", "Growth"]


def clickup_task(list_id, number):
    """Task `number` (1-based) of a list: assignees, custom fields, date_updated in epoch-ms text."""
    updated_ms = (EPOCH_BASE + int(list_id) * 3600 + number * 60) * 1000
    fields = [{"id": "cf-estimate", "name": "Estimate", "type": "number", "value": number * 2}]
    if number % 3 != 0:  # every third task has no squad set: the field is absent, not null
        fields.insert(0, {"id": "cf-squad", "name": "Squad", "type": "drop_down",
                          "value": SQUADS[(int(list_id) + number) % len(SQUADS)]})
    return {"id": f"{list_id}-{number}", "name": f"Task {number} of list {list_id}",
            "date_updated": str(updated_ms),
            "assignees": [{"id": k, "username": f"user{k}"} for k in range(1, number)],
            "custom_fields": fields}


def clickup_spaces(app, request):
    spaces = CLICKUP_SPACES.get(request.match.group("team_id"))
    if spaces is None:
        return json_response(404, {"err": "Team not found", "ECODE": "TEAM_001"})
    return json_response(200, {"spaces": spaces})


def clickup_lists(app, request):
    lists = CLICKUP_LISTS.get(request.match.group("space_id"))
    if lists is None:
        return json_response(404, {"err": "Space not found", "ECODE": "SPACE_001"})
    return json_response(200, {"lists": lists})


def clickup_tasks(app, request):
    """Pages of 2 from page 0 with `last_page`, as ClickUp does; `date_updated_gt` (epoch ms) filters."""
    list_id = request.match.group("list_id")
    if list_id not in CLICKUP_TASK_COUNTS:
        return json_response(404, {"err": "List not found", "ECODE": "LIST_001"})
    page = int_param(request.query, "page", 0, 0, 10**6)
    since = int_param(request.query, "date_updated_gt", -1, -1, 10**15)
    tasks = [clickup_task(list_id, n) for n in range(1, CLICKUP_TASK_COUNTS[list_id] + 1)]
    tasks = [task for task in tasks if int(task["date_updated"]) > since]
    return json_response(200, {"tasks": tasks[page * 2:page * 2 + 2], "last_page": page * 2 + 2 >= len(tasks)})


# HubSpot CRM search: 30 deals, hs_lastmodifieddate in epoch-ms text, paged by `after`.
DEAL_COUNT = 30


def hubspot_deal(number):
    modified_ms = (EPOCH_BASE + number * 600) * 1000
    return {"id": str(number), "properties": {"dealname": f"Deal {number}", "amount": str(number * 100),
                                              "hs_lastmodifieddate": str(modified_ms)},
            "archived": False}


def hubspot_deal_search(app, request):
    """Honours filters on hs_lastmodifieddate (GTE/GT/LTE/LT/EQ), `limit` (max 100), `after`;
    the answer is ordered by `sorts` when it names hs_lastmodifieddate, else by id."""
    body = json_object_body(request)
    deals = [hubspot_deal(n) for n in range(1, DEAL_COUNT + 1)]
    tests = {"GTE": lambda a, b: a >= b, "GT": lambda a, b: a > b, "LTE": lambda a, b: a <= b,
             "LT": lambda a, b: a < b, "EQ": lambda a, b: a == b}
    for group in body.get("filterGroups", []):
        for rule in group.get("filters", []):
            if rule.get("propertyName") != "hs_lastmodifieddate" or rule.get("operator") not in tests:
                raise BadRequest(f"unsupported filter {json.dumps(rule)}")
            value = rule.get("value")
            if not isinstance(value, (str, int)) or not str(value).isdigit():
                raise BadRequest(f"filter value must be epoch milliseconds, got {value!r}")
            test = tests[rule["operator"]]
            deals = [deal for deal in deals if test(int(deal["properties"]["hs_lastmodifieddate"]), int(value))]
    limit = int_param(body, "limit", 10, 1, 100)
    after = int_param(body, "after", 0, 0, 10**9)
    page = deals[after:after + limit]
    answer = {"total": len(deals), "results": page}
    if after + limit < len(deals):
        answer["paging"] = {"next": {"after": str(after + limit), "link": "?after=" + str(after + limit)}}
    return json_response(200, answer)


def oauth_deal_search(app, request):
    """The deal search for holders of a live OAuth token (the two-API example's CRM)."""
    if not token_issuer(app).accepts(request.header("Authorization")):
        return error_response(401, "invalid_token", [("WWW-Authenticate", 'Bearer error="invalid_token"')])
    return hubspot_deal_search(app, request)


def header_since_tasks(app, request):
    """As /page/tasks, the watermark taken from the `X-Updated-Since` header (ISO 8601)."""
    params = dict(request.query)
    header = request.header("X-Updated-Since")
    if header is not None:
        params["updated_since"] = header
    records, total, page, _ = page_of(app, request, params=params)
    return json_response(200, {"tasks": records, "total": total, "page": page})


# ---------------------------------------------------------------------------------------------
# Watermark order and page numbering (incremental reads that never skip a record; start_page)


def unsorted_key(record):
    """A deterministic shuffle by id, independent of any filter, so pages stay consistent."""
    return (record["id"] * 2654435761) % 4294967296


def unsorted_tasks(app, request):
    """Page-number pages of the filtered tasks in an order that is not `updated_at` order.

    `fail_from_page=N` answers 503 from page N on (a server that goes away mid-read);
    `delay_ms=D` makes every page after the first wait D ms (so a test can stop a run mid-read).
    """
    page, per_page = page_params(request.query)
    fail_from = int_param(request.query, "fail_from_page", 0, 0, 10**9)
    if fail_from and page >= fail_from:
        return error_response(503, "service unavailable (fail_from_page)")
    delay = int_param(request.query, "delay_ms", 0, 0, 60000)
    if delay and page > 1:
        time.sleep(delay / 1000)
    window = app.store.window("tasks", since_from(request.query))
    ordered = sorted(window.slice(0, window.total), key=unsorted_key)
    records = ordered[(page - 1) * per_page:page * per_page]
    return json_response(200, {"tasks": records, "total": window.total, "page": page})


def zero_based_tasks(app, request):
    """As /page/tasks, but pages are counted from 0."""
    page = int_param(request.query, "page", 0, 0, 10**9)
    per_page = int_param(request.query, "per_page", DEFAULT_PER_PAGE, 1, MAX_PER_PAGE)
    window = app.store.window("tasks", since_from(request.query))
    return json_response(200, {"tasks": window.slice(page * per_page, per_page), "total": window.total, "page": page})


def lenient_page_tasks(app, request):
    """As /page/tasks, but page 0 (or below) is answered as page 1, as many 1-based APIs do."""
    page = int_param(request.query, "page", 1, -(10**9), 10**9)
    params = {**request.query, "page": str(max(1, page))}
    records, total, page, _ = page_of(app, request, params=params)
    return json_response(200, {"tasks": records, "total": total, "page": page})


def accept_notification(app, request):
    """A webhook or healthcheck-ping receiver: accepts anything; the write log keeps the body."""
    return json_response(200, {"ok": True})


# (method, path pattern, handler, kind). kind: "control" is neither logged nor authenticated;
# "write" is logged in /_control/writes as well as /_control/requests.
ROUTES = [
    ("POST", r"/_control/reset", control_reset, "control"),
    ("POST", r"/_control/tasks", control_tasks, "control"),
    ("GET", r"/_control/requests", control_requests, "control"),
    ("GET", r"/_control/writes", control_writes, "control"),
    ("GET", r"/_control/handshakes", control_handshakes, "control"),
    ("GET", r"/page/tasks", page_tasks, "read"),
    ("GET", r"/page-nototal/tasks", page_nototal_tasks, "read"),
    ("GET", r"/offset/tasks", offset_tasks, "read"),
    ("GET", r"/cursor/tasks", cursor_tasks, "read"),
    ("GET", r"/link/tasks", link_tasks, "read"),
    ("GET", r"/loop/tasks", loop_tasks, "read"),
    ("GET", r"/repeat/tasks", repeat_tasks, "read"),
    ("GET", r"/companies", companies, "read"),
    ("POST", r"/search/tasks", search_tasks, "read"),
    ("GET", r"/secure/tasks", bearer_tasks, "read"),
    ("GET", r"/basic/tasks", basic_tasks, "read"),
    ("GET", r"/apikey/tasks", apikey_tasks, "read"),
    ("GET", r"/flaky/tasks", flaky_tasks, "read"),
    ("GET", r"/ratelimited/tasks", ratelimited_tasks, "read"),
    ("GET", r"/ratelimited-date/tasks", ratelimited_date_tasks, "read"),
    ("GET", r"/slow/tasks", slow_tasks, "read"),
    ("GET", r"/malformed/tasks", malformed_tasks, "read"),
    ("GET", r"/notfound", not_found, "read"),
    ("GET", r"/forbidden", forbidden, "read"),
    ("GET", r"/unsorted/tasks", unsorted_tasks, "read"),
    ("GET", r"/sorted/tasks", page_tasks, "read"),
    ("GET", r"/zero-based/tasks", zero_based_tasks, "read"),
    ("GET", r"/lenient-page/tasks", lenient_page_tasks, "read"),
    ("POST", r"/list/(?P<list_id>[^/]+)/task", create_in_list, "write"),
    ("PUT", r"/tasks/(?P<id>-?\d+)", put_task, "write"),
    ("POST", r"/bulk/tasks", bulk_tasks, "write"),
    ("POST", r"/slow/tasks", slow_tasks, "write"),
    # OAuth 2.0, login tokens and epoch timestamps (helper 4)
    ("GET", r"/_control/oauth", control_oauth, "control"),
    ("POST", r"/_control/oauth", control_oauth, "control"),
    ("POST", r"/oauth/token", oauth_token, "read"),
    ("POST", r"/login", login, "read"),
    ("GET", r"/oauth/tasks", oauth_tasks, "read"),
    ("GET", r"/epoch/tasks", epoch_tasks, "read"),
    # Sink delivery (issue 10)
    ("POST", r"/bulk/list/(?P<list_id>[^/]+)/task", bulk_in_list, "write"),
    ("POST", r"/status/(?P<status>[1-5]\d\d)/task", always_status, "write"),
    # Shapes real APIs have (ClickUp, HubSpot, a header watermark)
    ("GET", r"/clickup/team/(?P<team_id>[^/]+)/space", clickup_spaces, "read"),
    ("GET", r"/clickup/space/(?P<space_id>[^/]+)/list", clickup_lists, "read"),
    ("GET", r"/clickup/list/(?P<list_id>[^/]+)/task", clickup_tasks, "read"),
    ("POST", r"/crm/v3/objects/deals/search", hubspot_deal_search, "read"),
    ("POST", r"/oauth/crm/v3/objects/deals/search", oauth_deal_search, "read"),
    ("GET", r"/header-since/tasks", header_since_tasks, "read"),
    # Notifications (issue 14): webhooks and healthcheck pings (/hooks/<uuid>/start, /fail)
    ("POST", r"/hooks/.+", accept_notification, "write"),
]
COMPILED_ROUTES = [(method, re.compile(pattern), handler, kind) for method, pattern, handler, kind in ROUTES]


def route(method, path):
    """(handler, kind, match); for an unknown path or method, a handler answering 404 or 405."""
    allowed = []
    for route_method, pattern, handler, kind in COMPILED_ROUTES:
        match = pattern.fullmatch(path)
        if match and route_method == method:
            return handler, kind, match
        if match:
            allowed.append(route_method)
    if allowed:
        refusal = error_response(405, f"{method} is not allowed on {path}", [("Allow", ", ".join(allowed))])
    else:
        refusal = error_response(404, f"no route for {method} {path}")
    return (lambda app, request: refusal), "read", None


# ---------------------------------------------------------------------------------------------
# HTTP plumbing


def redacted(headers):
    return {name: ("<redacted>" if name.lower() == "authorization" else value) for name, value in headers.items()}


def logged_body(raw):
    if not raw:
        return None
    try:
        return json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        return raw.decode("utf-8", errors="replace")


class Handler(BaseHTTPRequestHandler):
    """Parses the request, dispatches through ROUTES, logs it, writes the response."""

    protocol_version = "HTTP/1.1"  # keep-alive: clients are expected to reuse connections
    disable_nagle_algorithm = True  # headers and body are separate writes on a reused connection
    server_version = "MockTaskAPI/1.0"

    def do_GET(self):
        self.dispatch()

    do_POST = do_PUT = do_PATCH = do_DELETE = do_GET

    def dispatch(self):
        app = self.server.app
        split = urllib.parse.urlsplit(self.path)
        headers = {}
        for name, value in self.headers.items():
            headers[name] = f"{headers[name]}, {value}" if name in headers else value
        body = self.read_body()
        handler, kind, match = route(self.command, split.path)
        if app.tls and kind != "control" and not isinstance(self.connection, ssl.SSLSocket):
            handler, kind = plain_http_refused, "control"
        request = Request(self.command, split.path, split.query, self.headers, body, match)
        entry = None
        if kind != "control":
            entry = {"method": self.command, "path": split.path, "query": request.query,
                     "headers": redacted(headers), "body": logged_body(body), "time": time.time()}
            app.store.log("requests", entry)
        if kind == "write":
            # raw_body: the bytes as sent, for checks that parsing would blur (a JSON number's digits).
            app.store.log("writes", {"method": self.command, "path": split.path, "headers": headers,
                                     "body": logged_body(body), "raw_body": body.decode("utf-8", errors="replace") if body else None,
                                     "time": entry["time"]})
        response = self.run(handler, app, request)
        if entry is not None:
            app.store.set_status(entry, response.status)
        self.send(response)

    def run(self, handler, app, request):
        try:
            return handler(app, request)
        except BadRequest as error:
            return error_response(400, str(error))
        except Exception as error:  # a bug in the mock: say so loudly, never hang the client
            traceback.print_exc()
            return error_response(500, f"mock server bug: {error!r}")

    def read_body(self):
        if "chunked" in self.headers.get("Transfer-Encoding", "").lower():
            return self.read_chunked()
        length = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(length) if length > 0 else b""

    def read_chunked(self):
        chunks = []
        while True:
            size = int(self.rfile.readline().split(b";")[0].strip() or b"0", 16)
            if size == 0:
                while self.rfile.readline() not in (b"\r\n", b"\n", b""):
                    pass  # trailers
                return b"".join(chunks)
            chunks.append(self.rfile.read(size))
            self.rfile.readline()

    def send(self, response):
        try:
            self.send_response(response.status)
            for name, value in response.headers:
                self.send_header(name, value)
            self.send_header("Content-Length", str(len(response.body)))
            self.end_headers()
            self.wfile.write(response.body)
        except (BrokenPipeError, ConnectionResetError):
            self.close_connection = True  # the client gave up (a timeout test): nothing to tell

    def log_message(self, format, *args):
        if self.server.app.verbose:
            sys.stderr.write(f"{self.address_string()} {format % args}\n")


def plain_http_refused(app, request):
    return error_response(400, f"this port speaks HTTPS: use https://127.0.0.1:{app.port}{request.path} "
                               "(plain HTTP is served for /_control/ only)")


class MockAPIServer(ThreadingHTTPServer):
    daemon_threads = True  # a sleeping /slow request never delays shutdown
    request_queue_size = 128  # concurrent page fetches must not be refused

    def finish_request(self, request, client_address):
        """Serves one connection; with TLS on, the handshake runs here, in the connection's own
        thread, so a client that stalls or fails it never holds up the accept loop."""
        context = self.app.tls
        if context is None:
            super().finish_request(request, client_address)
            return
        if not starts_tls_handshake(request):
            request.settimeout(None)
            super().finish_request(request, client_address)
            return
        try:
            secured = context.wrap_socket(request, server_side=True)
        except (ssl.SSLError, OSError) as error:
            # Logged for the tests: a client that refuses the certificate fails here.
            self.app.store.log("handshakes", {"ok": False, "error": str(error), "time": time.time()})
            return
        self.app.store.log("handshakes", {"ok": True, "error": None, "time": time.time()})
        try:
            secured.settimeout(None)  # back to blocking, as a plain connection is served
            super().finish_request(secured, client_address)
        finally:
            secured.close()

    def handle_error(self, request, client_address):
        if self.app.verbose:
            super().handle_error(request, client_address)


def starts_tls_handshake(connection):
    """Whether the client's first byte opens a TLS handshake. Peeked, not read: a plain HTTP
    request (the test harness's /_control/ calls) is then served as usual on the same port."""
    connection.settimeout(HANDSHAKE_TIMEOUT)
    try:
        first = connection.recv(1, socket.MSG_PEEK)
    except OSError:
        return False
    return bool(first) and first[0] == TLS_HANDSHAKE_RECORD


def tls_context(certificate, key):
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(certificate, key)
    return context


class App:
    def __init__(self, token, task_count, verbose, tls=None):
        self.token = token
        self.verbose = verbose
        self.store = Store(task_count)
        self.rendered_pages = RenderedPages()
        self.tls = tls
        self.port = 0
        self.base_url = ""


def parse_arguments(argv):
    parser = argparse.ArgumentParser(description="Mock task-tracker API for the http plugin tests.")
    parser.add_argument("--port", type=int, default=0, help="port on 127.0.0.1; 0 picks a free one")
    parser.add_argument("--token", default="test-token", help="the secret for bearer, basic and API-key auth")
    parser.add_argument("--tasks", type=int, default=250, help="how many tasks the default dataset has")
    parser.add_argument("--verbose", action="store_true", help="log every request to stderr")
    parser.add_argument("--watch-stdin", action="store_true", help="exit when standard input is closed")
    parser.add_argument("--tls-cert", metavar="PATH", help="PEM certificate (chain) to serve HTTPS with; needs --tls-key")
    parser.add_argument("--tls-key", metavar="PATH", help="PEM private key of --tls-cert")
    arguments = parser.parse_args(argv)
    if arguments.tasks < 0:
        parser.error("--tasks must be 0 or more")
    if (arguments.tls_cert is None) != (arguments.tls_key is None):
        parser.error("--tls-cert and --tls-key go together: give both to serve HTTPS, or neither")
    return arguments


def stop(signum, frame):
    raise SystemExit(0)


def exit_when_stdin_closes():
    # os.read, not sys.stdin: a daemon thread blocked inside the buffered reader holds its lock
    # and makes interpreter shutdown abort.
    while os.read(0, 65536):
        pass
    os.kill(os.getpid(), signal.SIGTERM)


def main(argv=None):
    arguments = parse_arguments(argv)
    tls = None
    if arguments.tls_cert is not None:
        try:
            tls = tls_context(arguments.tls_cert, arguments.tls_key)
        except (ssl.SSLError, OSError) as error:
            sys.exit(f"mock_api.py: cannot load --tls-cert {arguments.tls_cert} / --tls-key {arguments.tls_key}: {error}")
    app = App(arguments.token, arguments.tasks, arguments.verbose, tls)
    server = MockAPIServer(("127.0.0.1", arguments.port), Handler)
    server.app = app
    app.port = server.server_port
    app.base_url = f"{'https' if tls else 'http'}://127.0.0.1:{server.server_port}"
    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    if arguments.watch_stdin:
        threading.Thread(target=exit_when_stdin_closes, daemon=True).start()
    print(f"listening on {app.base_url}", flush=True)
    try:
        server.serve_forever()
    finally:
        server.server_close()


if __name__ == "__main__":
    main()
