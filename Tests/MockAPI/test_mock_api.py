"""The mock task-tracker API keeps the contract the http plugin tests are written against
(Tests/MockAPI/README.md). Run: .venv/bin/python -m pytest -q Tests/MockAPI"""
import base64
import datetime
import email.utils
import http.client
import json
import os
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request

import pytest

SERVER = os.path.join(os.path.dirname(os.path.abspath(__file__)), "mock_api.py")
TOKEN = "s3cret-token"
TASKS = 250
OPENER = urllib.request.build_opener(urllib.request.ProxyHandler({}))


def start_server(*arguments, stdin=subprocess.DEVNULL):
    process = subprocess.Popen([sys.executable, SERVER, "--port", "0", *arguments], stdin=stdin,
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    line = process.stdout.readline()
    assert line.startswith("listening on http://127.0.0.1:"), (line, process.stderr.read() if process.poll() else "")
    return process, line.split()[-1]


@pytest.fixture(scope="module")
def server():
    process, url = start_server("--token", TOKEN, "--tasks", str(TASKS))
    yield url
    process.send_signal(signal.SIGTERM)
    process.wait(timeout=10)


@pytest.fixture(autouse=True)
def fresh(server):
    call(server, "/_control/reset", method="POST")


class Reply:
    def __init__(self, status, headers, body):
        self.status = status
        self.headers = headers
        self.body = body

    def json(self):
        return json.loads(self.body)


def call(base, path, method="GET", body=None, headers=None, timeout=10):
    data = None if body is None else (body if isinstance(body, bytes) else json.dumps(body).encode())
    request = urllib.request.Request(base + path, data=data, method=method, headers=headers or {})
    if data is not None:
        request.add_header("Content-Type", "application/json")
    try:
        with OPENER.open(request, timeout=timeout) as response:
            return Reply(response.status, response.headers, response.read())
    except urllib.error.HTTPError as error:
        return Reply(error.code, error.headers, error.read())


def ids(records):
    return [record["id"] for record in records]


def ordered(records):
    return sorted(records, key=lambda record: (record["updated_at"], record["id"]))


def all_tasks(server):
    return call(server, f"/page/tasks?per_page={TASKS}").json()["tasks"]


def epoch(text):
    return datetime.datetime.fromisoformat(text).timestamp()


# --- the dataset ---------------------------------------------------------------------------------


def test_dataset_has_the_requested_number_of_tasks_in_id_order(server):
    assert ids(all_tasks(server)) == list(range(1, TASKS + 1))


def test_tasks_have_the_contract_fields_and_types(server):
    for task in all_tasks(server):
        assert set(task) == {"id", "name", "status", "updated_at", "assignees", "company", "points"}
        assert task["status"] in ("open", "done")
        assert isinstance(task["name"], str)
        assert task["updated_at"].endswith("Z") and len(task["updated_at"]) == 20
        assert all(set(assignee) == {"username"} for assignee in task["assignees"])
        assert set(task["company"]) == {"id", "name"}
        assert task["points"] is None or isinstance(task["points"], float)
    points = [task["points"] for task in all_tasks(server)]
    assert None in points and any(isinstance(value, float) for value in points)


def test_updated_at_never_decreases_with_id_and_several_tasks_share_one(server):
    stamps = [task["updated_at"] for task in all_tasks(server)]
    assert stamps == sorted(stamps)
    assert len(set(stamps)) < len(stamps) - 10


def test_dataset_is_identical_across_server_starts(server):
    process, other = start_server("--tasks", str(TASKS))
    try:
        assert call(other, f"/page/tasks?per_page={TASKS}").body == call(server, f"/page/tasks?per_page={TASKS}").body
    finally:
        process.terminate()
        process.wait(timeout=10)


def test_tasks_option_sets_the_dataset_size():
    process, url = start_server("--tasks", "7")
    try:
        assert call(url, "/page/tasks").json()["total"] == 7
    finally:
        process.terminate()
        process.wait(timeout=10)


# --- pagination ----------------------------------------------------------------------------------


def test_page_number_pages_cover_every_task_once_and_report_the_total(server):
    seen, page = [], 1
    while True:
        reply = call(server, f"/page/tasks?page={page}&per_page=40").json()
        assert reply["total"] == TASKS and reply["page"] == page
        seen += reply["tasks"]
        if page * 40 >= reply["total"]:
            break
        page += 1
    assert ids(seen) == list(range(1, TASKS + 1)) and page == 7


def test_page_defaults_to_page_one_of_fifty(server):
    reply = call(server, "/page/tasks").json()
    assert reply["page"] == 1 and ids(reply["tasks"]) == list(range(1, 51))


def test_page_past_the_end_is_empty(server):
    assert call(server, "/page/tasks?page=99").json()["tasks"] == []


def test_page_without_total_ends_with_a_short_page(server):
    sizes, page = [], 1
    while True:
        reply = call(server, f"/page-nototal/tasks?page={page}&per_page=60").json()
        assert set(reply) == {"tasks"}
        sizes.append(len(reply["tasks"]))
        if len(reply["tasks"]) < 60:
            break
        page += 1
    assert sizes == [60, 60, 60, 60, 10]


def test_page_without_total_ends_with_an_empty_page_when_the_size_divides(server):
    assert len(call(server, "/page-nototal/tasks?page=5&per_page=50").json()["tasks"]) == 50
    assert call(server, "/page-nototal/tasks?page=6&per_page=50").json()["tasks"] == []


def test_offset_limit_pages_cover_every_task_and_report_the_count(server):
    seen, offset = [], 0
    while True:
        reply = call(server, f"/offset/tasks?offset={offset}&limit=100").json()
        assert reply["count"] == TASKS
        if not reply["results"]:
            break
        seen += reply["results"]
        offset += len(reply["results"])
    assert ids(seen) == list(range(1, TASKS + 1))


def test_cursor_pages_end_with_a_null_cursor(server):
    seen, cursor, pages = [], None, 0
    while True:
        query = "limit=100" + (f"&cursor={urllib.parse.quote(cursor)}" if cursor else "")
        reply = call(server, f"/cursor/tasks?{query}").json()
        seen += reply["data"]
        pages += 1
        cursor = reply["meta"]["next_cursor"]
        if cursor is None:
            break
        assert isinstance(cursor, str) and cursor
    assert ids(seen) == list(range(1, TASKS + 1)) and pages == 3


def test_cursor_is_null_on_an_exactly_full_last_page(server):
    reply = call(server, f"/cursor/tasks?limit={TASKS}").json()
    assert len(reply["data"]) == TASKS and reply["meta"]["next_cursor"] is None


def test_unknown_cursor_is_a_bad_request(server):
    reply = call(server, "/cursor/tasks?cursor=nonsense")
    assert reply.status == 400 and "cursor" in reply.json()["error"]


def test_link_header_points_to_the_next_page_until_the_last(server):
    reply = call(server, "/link/tasks?page=1&per_page=100")
    port = server.rsplit(":", 1)[1]
    assert reply.headers["Link"] == f'<http://127.0.0.1:{port}/link/tasks?page=2&per_page=100>; rel="next"'
    seen, url = [], "/link/tasks?page=1&per_page=100"
    while url:
        reply = call(server, url)
        assert isinstance(reply.json(), list)
        seen += reply.json()
        link = reply.headers.get("Link")
        url = link[link.index(port) + len(port):link.index(">")] if link else None
    assert ids(seen) == list(range(1, TASKS + 1))


def test_link_header_keeps_the_filter(server):
    reply = call(server, "/link/tasks?per_page=10&updated_since=2024-01-01T01:00:00Z")
    assert "updated_since=2024-01-01T01%3A00%3A00Z" in reply.headers["Link"]
    assert "page=2&per_page=10" in reply.headers["Link"]


def test_loop_always_returns_the_same_cursor(server):
    first = call(server, "/loop/tasks").json()
    second = call(server, "/loop/tasks?cursor=same").json()
    assert first == second
    assert len(first["data"]) == 1 and first["meta"]["next_cursor"] == "same"


def test_repeat_returns_page_one_for_every_page(server):
    first = call(server, "/repeat/tasks?page=1&per_page=20")
    third = call(server, "/repeat/tasks?page=3&per_page=20")
    assert first.body == third.body and ids(third.json()["tasks"]) == list(range(1, 21))


def test_companies_page_with_a_total(server):
    reply = call(server, "/companies?page=1&per_page=5").json()
    assert reply["total"] == 12 and ids(reply["companies"]) == [1, 2, 3, 4, 5]
    assert set(reply["companies"][0]) == {"id", "name", "updated_at"}
    assert call(server, "/companies?page=3&per_page=5").json()["companies"][-1]["id"] == 12


def test_search_pages_through_a_json_body(server):
    reply = call(server, "/search/tasks", method="POST", body={"page": 2, "per_page": 100}).json()
    assert reply["total"] == TASKS and ids(reply["tasks"]) == list(range(101, 201))


def test_search_filters_by_the_body_watermark(server):
    since = all_tasks(server)[99]["updated_at"]
    reply = call(server, "/search/tasks", method="POST",
                 body={"updated_since": since, "page": 1, "per_page": 500}).json()
    assert reply["tasks"] and all(task["updated_at"] >= since for task in reply["tasks"])
    assert reply["total"] == len(reply["tasks"]) == len([t for t in all_tasks(server) if t["updated_at"] >= since])


@pytest.mark.parametrize("query", ["page=0", "per_page=0", "page=x", "per_page=100000", "offset=-1"])
def test_invalid_paging_parameters_are_bad_requests(server, query):
    path = "/offset/tasks" if query.startswith("offset") else "/page/tasks"
    reply = call(server, f"{path}?{query}")
    assert reply.status == 400 and reply.json()["error"]


# --- incremental filtering -----------------------------------------------------------------------


def test_updated_since_is_inclusive_and_keeps_every_tie(server):
    tasks = all_tasks(server)
    since = tasks[100]["updated_at"]
    tied = [task for task in tasks if task["updated_at"] == since]
    assert len(tied) > 1
    reply = call(server, f"/page/tasks?per_page=500&updated_since={since}").json()
    assert ids(reply["tasks"]) == ids([task for task in tasks if task["updated_at"] >= since])
    assert set(ids(tied)) <= set(ids(reply["tasks"]))


@pytest.mark.parametrize("spelling", ["updated_since_epoch={s}", "updated_since_ms={ms}",
                                      "updated_since=2024-01-01T00:30:00%2B00:00",
                                      "updated_since=2024-01-01T00:30:00+00:00",
                                      "updated_since=2024-01-01T00:30:00.000Z"])
def test_every_watermark_spelling_selects_the_same_tasks(server, spelling):
    seconds = epoch("2024-01-01T00:30:00+00:00")
    expected = call(server, "/page/tasks?per_page=500&updated_since=2024-01-01T00:30:00Z").json()
    query = spelling.format(s=int(seconds), ms=int(seconds * 1000))
    reply = call(server, f"/page/tasks?per_page=500&{query}").json()
    assert reply == expected and 0 < reply["total"] < TASKS


def test_every_list_endpoint_applies_the_filter(server):
    since = "updated_since=2024-01-01T01:00:00Z"
    expected = call(server, f"/page/tasks?per_page=500&{since}").json()["tasks"]
    assert call(server, f"/offset/tasks?limit=500&{since}").json()["results"] == expected
    assert call(server, f"/cursor/tasks?limit=500&{since}").json()["data"] == expected
    assert call(server, f"/link/tasks?per_page=500&{since}").json() == expected
    assert call(server, f"/page-nototal/tasks?per_page=500&{since}").json()["tasks"] == expected
    companies = call(server, "/companies?updated_since=2024-01-03T00:00:00Z").json()
    assert companies["total"] == 8


def test_filtered_results_are_ordered_by_updated_at_then_id(server):
    call(server, "/_control/tasks", method="POST", body=[{"id": 3, "updated_at": "2024-06-01T00:00:00Z"}])
    tasks = call(server, f"/page/tasks?per_page={TASKS}").json()["tasks"]
    assert tasks == ordered(tasks) and tasks[-1]["id"] == 3


def test_a_bad_watermark_is_a_bad_request(server):
    reply = call(server, "/page/tasks?updated_since=yesterday")
    assert reply.status == 400 and "yesterday" in reply.json()["error"]


# --- auth ----------------------------------------------------------------------------------------


def test_bearer_endpoint_refuses_a_missing_or_wrong_token(server):
    assert call(server, "/secure/tasks").status == 401
    reply = call(server, "/secure/tasks", headers={"Authorization": "Bearer wrong"})
    assert reply.status == 401 and reply.json() == {"error": "unauthorized"}


def test_bearer_endpoint_serves_the_page_with_the_token(server):
    reply = call(server, "/secure/tasks?per_page=5", headers={"Authorization": f"Bearer {TOKEN}"})
    assert reply.status == 200 and reply.json()["total"] == TASKS and len(reply.json()["tasks"]) == 5


def basic(user, password):
    return {"Authorization": "Basic " + base64.b64encode(f"{user}:{password}".encode()).decode()}


def test_basic_endpoint_needs_user_etl_and_the_token(server):
    assert call(server, "/basic/tasks").status == 401
    assert call(server, "/basic/tasks", headers=basic("someone", TOKEN)).status == 401
    assert call(server, "/basic/tasks", headers=basic("etl", "wrong")).status == 401
    assert call(server, "/basic/tasks", headers=basic("etl", TOKEN)).json()["total"] == TASKS


def test_api_key_endpoint_accepts_the_header_or_the_query(server):
    reply = call(server, "/apikey/tasks")
    assert reply.status == 403 and reply.json() == {"error": "forbidden"}
    assert call(server, "/apikey/tasks", headers={"X-API-Key": "wrong"}).status == 403
    assert call(server, "/apikey/tasks", headers={"X-API-Key": TOKEN}).status == 200
    assert call(server, f"/apikey/tasks?api_key={TOKEN}").status == 200


# --- faults --------------------------------------------------------------------------------------


def test_flaky_fails_twice_then_succeeds(server):
    statuses = [call(server, "/flaky/tasks?page=1").status for _ in range(4)]
    assert statuses == [500, 500, 200, 200]


def test_flaky_counts_each_path_and_query_apart(server):
    call(server, "/flaky/tasks?page=1")
    call(server, "/flaky/tasks?page=1")
    assert call(server, "/flaky/tasks?page=2").status == 500
    assert call(server, "/flaky/tasks?page=1").status == 200


def test_reset_restarts_the_fault_counters(server):
    for _ in range(3):
        call(server, "/flaky/tasks")
    call(server, "/_control/reset", method="POST")
    assert call(server, "/flaky/tasks").status == 500


def test_rate_limited_answers_429_with_retry_after_seconds_once(server):
    first = call(server, "/ratelimited/tasks")
    assert first.status == 429 and first.headers["Retry-After"] == "1"
    assert call(server, "/ratelimited/tasks").status == 200


def test_rate_limited_date_answers_429_with_an_http_date_one_to_two_seconds_ahead(server):
    first = call(server, "/ratelimited-date/tasks")
    assert first.status == 429
    ahead = email.utils.parsedate_to_datetime(first.headers["Retry-After"]).timestamp() - time.time()
    assert 0.9 <= ahead <= 2.1
    assert call(server, "/ratelimited-date/tasks").status == 200


def test_slow_answers_after_the_delay(server):
    started = time.monotonic()
    reply = call(server, "/slow/tasks?delay=0.4")
    assert reply.status == 200 and time.monotonic() - started >= 0.4


def test_slow_from_page_answers_earlier_pages_at_once(server):
    # A 30 s sleep would outlast the client's 5 s timeout.
    first = call(server, "/slow/tasks?delay=30&slow_from_page=2&page=1&per_page=2", timeout=5)
    assert [task["id"] for task in json.loads(first.body)["tasks"]] == [1, 2]
    with pytest.raises(OSError):
        call(server, "/slow/tasks?delay=1.5&slow_from_page=2&page=2&per_page=2", timeout=0.3)


def test_slow_also_answers_writes_late(server):
    with pytest.raises(OSError):
        call(server, "/slow/tasks?delay=1.5", method="POST", body=b"{}", timeout=0.3)


def test_slow_outlasts_a_short_client_timeout(server):
    with pytest.raises(OSError):
        call(server, "/slow/tasks?delay=1.5", timeout=0.3)
    assert call(server, "/page/tasks").status == 200


def test_malformed_is_200_with_invalid_json(server):
    reply = call(server, "/malformed/tasks")
    assert reply.status == 200 and reply.body == b'{"tasks": [{"id": 1,, }'
    with pytest.raises(ValueError):
        json.loads(reply.body)


def test_notfound_and_forbidden_and_unknown_routes(server):
    assert call(server, "/notfound").status == 404
    assert call(server, "/forbidden").status == 403
    assert call(server, "/no/such/route").status == 404
    assert call(server, "/page/tasks", method="DELETE").status == 405


# --- writes --------------------------------------------------------------------------------------


def test_create_in_list_answers_201_with_a_new_id_and_the_body(server):
    reply = call(server, "/list/42/task", method="POST", body={"id": 7, "name": "Task 7", "points": 1.5})
    created = reply.json()
    assert reply.status == 201 and created["name"] == "Task 7" and created["points"] == 1.5
    assert created["id"] != 7
    assert call(server, "/list/42/task", method="POST", body={"name": "x"}).json()["id"] == created["id"] + 1


def test_create_in_list_rejects_names_containing_fail(server):
    reply = call(server, "/list/42/task", method="POST", body={"name": "please FAIL me"})
    assert reply.status == 422 and reply.json() == {"error": "name rejected"}
    assert call(server, "/list/42/task", method="POST", body={"name": "please FAIL me"}).status == 422


def test_create_in_list_fails_flaky_names_once(server):
    statuses = [call(server, "/list/42/task", method="POST", body={"name": "FLAKY one"}).status for _ in range(3)]
    assert statuses == [500, 201, 201]
    assert call(server, "/list/42/task", method="POST", body={"name": "FLAKY two"}).status == 500


def test_create_in_list_refuses_a_body_that_is_not_an_object(server):
    assert call(server, "/list/42/task", method="POST", body=[1]).status == 400
    assert call(server, "/list/42/task", method="POST", body=b"{oops").status == 400


def test_writes_are_logged_with_the_idempotency_key(server):
    call(server, "/list/9/task", method="POST", body={"name": "a"}, headers={"Idempotency-Key": "task-1"})
    call(server, "/list/9/task", method="POST", body={"name": "FAIL"})
    writes = call(server, "/_control/writes").json()
    assert [(w["method"], w["path"], w["body"]) for w in writes] == [
        ("POST", "/list/9/task", {"name": "a"}), ("POST", "/list/9/task", {"name": "FAIL"})]
    assert writes[0]["headers"]["Idempotency-Key"] == "task-1"
    assert "Idempotency-Key" not in writes[1]["headers"]


def test_put_upserts_a_task_into_the_dataset(server):
    before = all_tasks(server)[4]
    reply = call(server, "/tasks/5", method="PUT", body={"name": "renamed", "updated_at": "2024-02-01T00:00:00Z"})
    assert reply.status == 200 and reply.json()["name"] == "renamed"
    assert call(server, "/tasks/900", method="PUT", body={"name": "new", "updated_at": "2024-02-02T00:00:00Z"}).status == 200
    tasks = call(server, "/page/tasks?per_page=500").json()["tasks"]
    assert [(t["id"], t["name"]) for t in tasks[-2:]] == [(5, "renamed"), (900, "new")]
    assert tasks[-2]["company"] == before["company"]  # fields not sent are kept
    assert call(server, "/_control/writes").json()[0]["path"] == "/tasks/5"


def test_bulk_accepts_an_array(server):
    reply = call(server, "/bulk/tasks", method="POST", body=[{"name": "a"}, {"name": "b"}, {"name": "c"}])
    assert reply.status == 200 and reply.json() == {"accepted": 3}
    assert call(server, "/bulk/tasks", method="POST", body={"name": "a"}).status == 400
    assert len(call(server, "/_control/writes").json()) == 2


# --- sink delivery (issue 10) --------------------------------------------------------------------


def test_bulk_in_list_accepts_an_array_and_logs_the_list_in_the_path(server):
    reply = call(server, "/bulk/list/7/task", method="POST", body=[{"name": "a"}, {"name": "b"}])
    assert reply.status == 200 and reply.json() == {"list": "7", "accepted": 2}
    assert call(server, "/bulk/list/7/task", method="POST", body={"name": "a"}).status == 400
    assert [write["path"] for write in call(server, "/_control/writes").json()] == ["/bulk/list/7/task"] * 2


def test_status_route_always_answers_its_status(server):
    for status in (401, 429, 500, 503, 500):
        reply = call(server, f"/status/{status}/task", method="POST", body={"name": "a"})
        assert reply.status == status and reply.json() == {"error": f"always {status}"}
    assert len(call(server, "/_control/writes").json()) == 5


def test_hooks_accept_any_path_and_keep_json_and_text_bodies(server):
    assert call(server, "/hooks/slack/T0/B0/x", method="POST", body={"text": "hello"}).json() == {"ok": True}
    assert call(server, "/hooks/hc/uuid/fail", method="POST", body=b"entry app failed").status == 200
    assert call(server, "/hooks/x", method="GET").status == 405
    writes = call(server, "/_control/writes").json()
    assert [(w["path"], w["body"]) for w in writes] == [("/hooks/slack/T0/B0/x", {"text": "hello"}), ("/hooks/hc/uuid/fail", "entry app failed")]


# --- control -------------------------------------------------------------------------------------


def test_requests_are_logged_with_the_authorization_redacted(server):
    call(server, "/secure/tasks?page=2&per_page=3", headers={"Authorization": f"Bearer {TOKEN}", "X-Trace": "t1"})
    log = call(server, "/_control/requests").json()
    assert len(log) == 1
    entry = log[0]
    assert (entry["method"], entry["path"], entry["query"]) == ("GET", "/secure/tasks", {"page": "2", "per_page": "3"})
    assert entry["headers"]["Authorization"] == "<redacted>" and entry["headers"]["X-Trace"] == "t1"
    assert TOKEN not in json.dumps(log)


def test_requests_log_keeps_arrival_order_and_skips_control_calls(server):
    call(server, "/page/tasks?page=1")
    call(server, "/_control/writes")
    call(server, "/notfound")
    assert [e["path"] for e in call(server, "/_control/requests").json()] == ["/page/tasks", "/notfound"]


def test_a_page_asked_again_after_a_change_shows_the_change(server):
    first = call(server, "/page/tasks?page=1&per_page=5").json()
    assert call(server, "/page/tasks?page=1&per_page=5").json() == first
    call(server, "/_control/tasks", method="POST", body=[{"id": 1, "name": "renamed"}])
    after = call(server, "/page/tasks?page=1&per_page=5").json()
    assert [task["name"] for task in after["tasks"] if task["id"] == 1] == ["renamed"]
    call(server, "/_control/reset", method="POST")
    assert call(server, "/page/tasks?page=1&per_page=5").json() == first


def test_reset_restores_the_dataset_and_clears_the_logs(server):
    call(server, "/_control/tasks", method="POST", body=[{"id": 1, "name": "changed"}])
    call(server, "/list/1/task", method="POST", body={"name": "x"})
    assert call(server, "/_control/reset", method="POST").status == 200
    assert call(server, "/_control/requests").json() == []
    assert call(server, "/_control/writes").json() == []
    assert all_tasks(server)[0]["name"] == "Task 1"
    assert call(server, "/list/1/task", method="POST", body={"name": "x"}).json()["id"] == 100001


def test_control_tasks_updates_and_inserts(server):
    reply = call(server, "/_control/tasks", method="POST", body=[
        {"id": 2, "status": "done", "updated_at": "2024-03-01T00:00:00Z"},
        {"id": 1000, "name": "brand new", "status": "open", "updated_at": "2024-03-02T00:00:00Z",
         "assignees": [], "company": None, "points": None}])
    assert reply.json() == {"upserted": 2}
    page = call(server, "/page/tasks?per_page=5&updated_since=2024-03-01T00:00:00Z").json()
    assert page["total"] == 2 and ids(page["tasks"]) == [2, 1000]
    assert page["tasks"][0]["name"] == "Task 2" and page["tasks"][0]["status"] == "done"


def test_control_tasks_is_all_or_nothing(server):
    reply = call(server, "/_control/tasks", method="POST", body=[
        {"id": 1, "name": "changed"}, {"id": 5000, "name": "no timestamp"}])
    assert reply.status == 400 and "5000" in reply.json()["error"]
    assert all_tasks(server)[0]["name"] == "Task 1"
    assert call(server, "/_control/tasks", method="POST", body={"id": 1}).status == 400
    assert call(server, "/_control/tasks", method="POST", body=[{"id": "1"}]).status == 400


# --- process -------------------------------------------------------------------------------------


def test_connections_are_kept_alive(server):
    connection = http.client.HTTPConnection(server.removeprefix("http://"), timeout=5)
    try:
        for _ in range(3):
            connection.request("GET", "/page/tasks?per_page=1")
            response = connection.getresponse()
            assert response.status == 200 and response.getheader("Connection") != "close"
            response.read()
    finally:
        connection.close()


def test_chunked_request_bodies_are_read(server):
    connection = http.client.HTTPConnection(server.removeprefix("http://"), timeout=5)
    try:
        connection.request("POST", "/search/tasks", body=iter([b'{"per_page"', b': 2}']),
                           headers={"Transfer-Encoding": "chunked"}, encode_chunked=True)
        assert len(json.loads(connection.getresponse().read())["tasks"]) == 2
    finally:
        connection.close()


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGINT])
def test_a_signal_stops_the_server_promptly_even_during_a_slow_request(signum):
    process, url = start_server()
    with pytest.raises(OSError):
        call(url, "/slow/tasks?delay=30", timeout=0.3)
    started = time.monotonic()
    process.send_signal(signum)
    assert process.wait(timeout=5) == 0 and time.monotonic() - started < 2
    assert process.stderr.read() == ""


def test_the_server_is_quiet_unless_verbose():
    for verbose, expected in ((False, ""), (True, "GET /page/tasks?page=2")):
        process, url = start_server(*(["--verbose"] if verbose else []))
        call(url, "/page/tasks?page=2")
        process.terminate()
        process.wait(timeout=5)
        assert (expected in process.stderr.read()) if expected else process.stderr.read() == ""
        assert process.stdout.read() == ""


def test_closing_stdin_stops_a_watching_server():
    process, _ = start_server("--watch-stdin", stdin=subprocess.PIPE)
    process.stdin.close()
    assert process.wait(timeout=5) == 0


def test_a_busy_port_fails_with_a_message():
    process, url = start_server()
    try:
        port = url.rsplit(":", 1)[1]
        second = subprocess.run([sys.executable, SERVER, "--port", port], capture_output=True, text=True, timeout=10)
        assert second.returncode != 0 and "Address already in use" in second.stderr and second.stdout == ""
    finally:
        process.terminate()
        process.wait(timeout=10)


# ---------------------------------------------------------------------------------------------
# OAuth 2.0 and login tokens (helper 4)


def token_request(server, form, basic=None):
    headers = {}
    if basic is not None:
        headers["Authorization"] = "Basic " + base64.b64encode(f"{basic[0]}:{basic[1]}".encode()).decode()
    return call(server, "/oauth/token", method="POST", body=urllib.parse.urlencode(form).encode(), headers=headers)


def test_oauth_client_credentials_token_opens_oauth_tasks_and_is_counted(server):
    call(server, "/_control/oauth", method="POST", body={})
    reply = token_request(server, {"grant_type": "client_credentials", "scope": "tasks:read"}, basic=("etl-client", TOKEN))
    assert reply.status == 200
    answer = reply.json()
    assert answer["token_type"] == "Bearer" and answer["expires_in"] == 3600 and answer["scope"] == "tasks:read"
    page = call(server, "/oauth/tasks?per_page=5", headers={"Authorization": f"Bearer {answer['access_token']}"})
    assert page.status == 200 and ids(page.json()["tasks"]) == ids(ordered(all_tasks(server)))[:5]
    stats = call(server, "/_control/oauth").json()
    assert stats["issued"] == 1 and stats["served"] == 1
    assert stats["grants"] == [{"grant_type": "client_credentials", "client_auth": "basic", "scope": "tasks:read", "audience": None}]


def test_oauth_wrong_client_secret_is_invalid_client(server):
    reply = token_request(server, {"grant_type": "client_credentials", "client_id": "etl-client", "client_secret": "nope"})
    assert reply.status == 401
    assert reply.json() == {"error": "invalid_client", "error_description": "client authentication failed"}


def test_oauth_expired_or_used_up_tokens_are_refused(server):
    call(server, "/_control/oauth", method="POST", body={"expires_in": 0.3, "requests_per_token": 2})
    token = token_request(server, {"grant_type": "client_credentials"}, basic=("etl-client", TOKEN)).json()["access_token"]
    auth = {"Authorization": f"Bearer {token}"}
    assert [call(server, "/oauth/tasks", headers=auth).status for _ in range(3)] == [200, 200, 401]
    fresh_token = token_request(server, {"grant_type": "client_credentials"}, basic=("etl-client", TOKEN)).json()["access_token"]
    time.sleep(0.4)
    assert call(server, "/oauth/tasks", headers={"Authorization": f"Bearer {fresh_token}"}).status == 401
    assert call(server, "/_control/oauth").json()["refused"] == 2


def test_oauth_refresh_tokens_rotate_and_the_old_one_is_revoked(server):
    call(server, "/_control/oauth", method="POST", body={"rotate_refresh_tokens": True})
    first = token_request(server, {"grant_type": "refresh_token", "refresh_token": f"{TOKEN}-refresh", "client_id": "etl-client"})
    assert first.status == 200
    rotated = first.json()["refresh_token"]
    again = token_request(server, {"grant_type": "refresh_token", "refresh_token": f"{TOKEN}-refresh", "client_id": "etl-client"})
    assert again.status == 400 and again.json()["error"] == "invalid_grant"
    assert token_request(server, {"grant_type": "refresh_token", "refresh_token": rotated, "client_id": "etl-client"}).status == 200


def test_login_returns_a_token_for_oauth_tasks(server):
    call(server, "/_control/oauth", method="POST", body={})
    assert call(server, "/login", method="POST", body={"username": "etl", "password": "wrong"}).status == 401
    reply = call(server, "/login", method="POST", body={"username": "etl", "password": TOKEN})
    token = reply.json()["data"]["token"]
    assert call(server, "/oauth/tasks", headers={"Authorization": f"Bearer {token}"}).status == 200
    assert call(server, "/oauth/tasks").status == 401


def test_epoch_tasks_write_milliseconds_and_seconds(server):
    tasks = call(server, "/epoch/tasks?per_page=4").json()["tasks"]
    originals = ordered(all_tasks(server))[:4]
    for task, original in zip(tasks, originals):
        assert task["updated_at"] == int(epoch(original["updated_at"])) * 1000
        created = int(epoch(original["updated_at"])) - 86400
        assert task["created_s"] == (str(created) if task["id"] % 2 == 0 else created)
    since = int(epoch(originals[3]["updated_at"])) * 1000
    filtered = call(server, f"/epoch/tasks?per_page=1000&updated_since_ms={since}").json()["tasks"]
    assert min(task["updated_at"] for task in filtered) == since

# Shapes real APIs have (ClickUp, HubSpot, a header watermark)


def test_clickup_team_spaces_lists_and_paged_tasks_with_custom_fields(server):
    assert ids(call(server, "/clickup/team/t1/space").json()["spaces"]) == ["s1", "s2"]
    assert ids(call(server, "/clickup/space/s1/list").json()["lists"]) == ["101", "102"]
    first = call(server, "/clickup/list/101/task?page=0").json()
    second = call(server, "/clickup/list/101/task?page=1").json()
    assert (ids(first["tasks"]), first["last_page"]) == (["101-1", "101-2"], False)
    assert (ids(second["tasks"]), second["last_page"]) == (["101-3"], True)
    task = first["tasks"][1]
    assert [field["name"] for field in task["custom_fields"]] == ["Squad", "Estimate"]
    assert [a["username"] for a in task["assignees"]] == ["user1"]
    assert [field["name"] for field in second["tasks"][0]["custom_fields"]] == ["Estimate"]
    assert call(server, "/clickup/list/202/task").json() == {"tasks": [], "last_page": True}
    since = first["tasks"][0]["date_updated"]
    assert ids(call(server, f"/clickup/list/101/task?date_updated_gt={since}").json()["tasks"]) == ["101-2", "101-3"]
    missing = call(server, "/clickup/list/300/task")
    assert (missing.status, missing.json()["err"]) == (404, "List not found")


def test_hubspot_deal_search_pages_by_after_and_filters_by_a_body_value(server):
    search = {"filterGroups": [{"filters": [{"propertyName": "hs_lastmodifieddate", "operator": "GTE",
                                             "value": str((1704067200 + 25 * 600) * 1000)}]}],
              "sorts": [{"propertyName": "hs_lastmodifieddate", "direction": "ASCENDING"}], "limit": 4}
    first = call(server, "/crm/v3/objects/deals/search", method="POST", body=search).json()
    assert (first["total"], ids(first["results"]), first["paging"]["next"]["after"]) == (6, ["25", "26", "27", "28"], "4")
    assert first["results"][0]["properties"]["hs_lastmodifieddate"] == str((1704067200 + 25 * 600) * 1000)
    last = call(server, "/crm/v3/objects/deals/search", method="POST", body={**search, "after": "4"}).json()
    assert ids(last["results"]) == ["29", "30"] and "paging" not in last
    logged = call(server, "/_control/requests").json()[-1]
    assert logged["body"]["after"] == "4" and logged["body"]["sorts"] == search["sorts"]
    bad = call(server, "/crm/v3/objects/deals/search", method="POST",
               body={"filterGroups": [{"filters": [{"propertyName": "hs_lastmodifieddate", "operator": "GTE", "value": "x"}]}]})
    assert bad.status == 400


def test_oauth_deal_search_needs_a_live_token(server):
    assert call(server, "/oauth/crm/v3/objects/deals/search", method="POST", body={}).status == 401
    token = token_request(server, {"grant_type": "client_credentials"}, basic=("etl-client", TOKEN)).json()["access_token"]
    reply = call(server, "/oauth/crm/v3/objects/deals/search", method="POST", body={"limit": 100},
                 headers={"Authorization": f"Bearer {token}"})
    assert reply.status == 200 and reply.json()["total"] == 30 and len(reply.json()["results"]) == 30


def test_header_since_tasks_filter_by_the_header(server):
    answer = call(server, "/header-since/tasks?per_page=500", headers={"X-Updated-Since": "2024-01-01T01:00:00Z"}).json()
    assert answer["total"] == TASKS - 180 and answer["tasks"][0]["updated_at"] == "2024-01-01T01:00:00Z"
    assert call(server, "/header-since/tasks?per_page=500").json()["total"] == TASKS


# --- watermark order and page numbering ----------------------------------------------------------


def test_unsorted_pages_cover_every_filtered_task_once_out_of_cursor_order(server):
    since = "2024-01-01T00:10:00Z"
    seen, page = [], 1
    while True:
        reply = call(server, f"/unsorted/tasks?page={page}&per_page=40&updated_since={since}").json()
        seen += reply["tasks"]
        if not reply["tasks"]:
            break
        page += 1
    expected = [task for task in all_tasks(server) if epoch(task["updated_at"]) >= epoch(since)]
    assert reply["total"] == len(expected)
    assert sorted(ids(seen)) == ids(expected)
    assert seen != ordered(seen), "the pages must not come in cursor order"
    assert seen == call(server, f"/unsorted/tasks?per_page={TASKS}&updated_since={since}").json()["tasks"]


def test_unsorted_fails_from_the_asked_page(server):
    assert call(server, "/unsorted/tasks?page=1&fail_from_page=2").status == 200
    assert call(server, "/unsorted/tasks?page=2&fail_from_page=2").status == 503


def test_unsorted_delays_pages_after_the_first(server):
    began = time.monotonic()
    call(server, "/unsorted/tasks?page=1&delay_ms=300")
    assert time.monotonic() - began < 0.25
    began = time.monotonic()
    call(server, "/unsorted/tasks?page=2&delay_ms=300")
    assert time.monotonic() - began >= 0.3


def test_sorted_is_the_page_endpoint(server):
    assert call(server, "/sorted/tasks?page=2&per_page=30").body == call(server, "/page/tasks?page=2&per_page=30").body


def test_zero_based_pages_start_at_zero(server):
    first = call(server, "/zero-based/tasks?per_page=40").json()
    assert first["page"] == 0 and ids(first["tasks"]) == list(range(1, 41)) and first["total"] == TASKS
    assert ids(call(server, "/zero-based/tasks?page=1&per_page=40").json()["tasks"]) == list(range(41, 81))


def test_lenient_page_answers_page_zero_as_page_one(server):
    zero = call(server, "/lenient-page/tasks?page=0&per_page=40").json()
    one = call(server, "/lenient-page/tasks?page=1&per_page=40").json()
    assert zero == one and ids(one["tasks"]) == list(range(1, 41))
