"""pyarrow, a real Arrow implementation, reads a plugin's output and feeds a sink through the
C Data / C Stream Interface: proof that our Arrow is the real Arrow."""
import datetime
import json
import os

import pyarrow as pa
import pytest

import etl_host

M = 2**64 - 1
NAMES = ["Alice", "Bob", "Zoë", "", "José Müller", "李雷", "O'Brien, \"Jr.\"", "Ωmega"]


def mix(z):
    z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & M
    z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & M
    return z ^ (z >> 31)


def expected_datagen_row(seed, i, null_every):
    """The datagen formulas of SDK/examples/c-source/README.md, recomputed independently."""
    u = mix((seed + (i + 1) * 0x9E3779B97F4A7C15) & M)
    created = 1704067200000000 + i * 1000000 + ((u >> 40) % 1000000)
    row = {
        "id": i,
        "flag": (u & 1) == 1,
        "score": ((u >> 1) % 100000) / 100.0,
        "name": NAMES[(u >> 20) % 8],
        "payload": bytes([i & 0xFF, 0x00, (u >> 32) & 0xFF][: (u >> 24) % 4]),
        "created_at": datetime.datetime(1970, 1, 1, tzinfo=datetime.timezone.utc)
        + datetime.timedelta(microseconds=created),
        "day": datetime.date(1970, 1, 1) + datetime.timedelta(days=created // 86400000000),
        "nothing": None,
    }
    if null_every and i % null_every == null_every - 1:
        row = {key: (value if key == "id" else None) for key, value in row.items()}
    return row


def test_pyarrow_reads_every_column_type_nulls_and_values_from_a_c_plugin():
    reader = etl_host.read_source("datagen", json.dumps({"rows": 2500, "seed": 11, "null_every": 5}),
                                  "rows", batch_size=1000)
    assert reader.schema.types == [pa.int64(), pa.bool_(), pa.float64(), pa.string(), pa.binary(),
                                   pa.timestamp("us", tz="UTC"), pa.date32(), pa.null()]
    assert reader.schema.names == ["id", "flag", "score", "name", "payload", "created_at", "day", "nothing"]
    batches = list(reader)
    assert [batch.num_rows for batch in batches] == [1000, 1000, 500]
    table = pa.Table.from_batches(batches)
    assert table.column("flag").null_count == 500
    assert table.column("nothing").null_count == 2500
    assert table.to_pylist() == [expected_datagen_row(11, i, 5) for i in range(2500)]


def test_resume_state_continues_exactly_where_a_stream_stopped():
    config = json.dumps({"rows": 30, "seed": 3})
    rest = etl_host.read_source("datagen", config, "rows", state=json.dumps({"next": 20})).read_all()
    assert rest.column("id").to_pylist() == list(range(20, 30))


def test_plugin_errors_surface_with_their_message():
    with pytest.raises(etl_host.HostError) as failure:
        etl_host.read_source("lines", json.dumps({"path": "/nonexistent/app.log"}), "lines").read_all()
    assert "/nonexistent/app.log" in failure.value.message


def test_a_pyarrow_made_batch_loads_into_a_swift_sink(tmp_path):
    batch = pa.record_batch(
        [
            pa.array([1, 2, None], pa.int64()),
            pa.array(["a\"b", None, "Zoë\n"], pa.string()),
            pa.array([True, None, False], pa.bool_()),
            pa.array([1.5, None, -0.25], pa.float64()),
            pa.array([b"\x00\x01", None, b""], pa.binary()),
            pa.array([0, None, 1704067200123456], pa.timestamp("us", tz="UTC")),
            pa.array([0, None, 19723], pa.date32()),
        ],
        names=["id", "text", "flag", "score", "blob", "at", "day"],
    )
    # The second batch is a slice: it exercises Arrow's offset field, which hand-made Arrow often ignores.
    reader = pa.RecordBatchReader.from_batches(batch.schema, [batch, batch.slice(1, 2)])
    config = json.dumps({"directory": str(tmp_path)})
    rows = etl_host.write_sink("jsonl", config, "events", "replace", reader, state=json.dumps({"n": 5}))
    assert rows == 5
    lines = [json.loads(line) for line in (tmp_path / "events.jsonl").read_text().splitlines()]
    assert lines[0] == {"id": 1, "text": "a\"b", "flag": True, "score": 1.5, "blob": "AAE=",
                        "at": "1970-01-01T00:00:00.000000Z", "day": "1970-01-01"}
    assert lines[1] == {"id": 2, "text": None, "flag": None, "score": None, "blob": None, "at": None, "day": None}
    assert lines[2] == {"id": None, "text": "Zoë\n", "flag": False, "score": -0.25, "blob": "",
                        "at": "2024-01-01T00:00:00.123456Z", "day": "2024-01-01"}
    assert lines[3:] == lines[1:3]


def test_a_sink_refuses_a_write_mode_it_does_not_offer(tmp_path):
    batch = pa.record_batch([pa.array([1], pa.int64())], names=["id"])
    reader = pa.RecordBatchReader.from_batches(batch.schema, [batch])
    with pytest.raises(etl_host.HostError) as failure:
        etl_host.write_sink("jsonl", json.dumps({"directory": str(tmp_path)}), "t", "merge", reader)
    assert "merge" in failure.value.message
    assert not (tmp_path / "t.jsonl").exists()
