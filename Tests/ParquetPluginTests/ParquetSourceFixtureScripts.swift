/// Python that writes the interop files with pyarrow, DuckDB and fastparquet and prints, for
/// each, the values Python itself reads back, in the forms the tests compare (see
/// `ParquetTestValue`): timestamps as microseconds since the epoch (nanoseconds floored), dates
/// as days, decimals as their exact digits, binary as hex, TIME as HH:MM:SS.ffffff, UUIDs in
/// 8-4-4-4-12 form, nested values as JSON (binary inside them base64).
enum ParquetSourceFixtureScripts {
    static let prelude = #"""
    import base64, datetime, decimal, json, math, os, sys, uuid
    import pyarrow as pa, pyarrow.parquet as pq
    OUT = sys.argv[1]
    CASES = []

    def hms(micros):
        h, r = divmod(micros, 3_600_000_000); m, r = divmod(r, 60_000_000); s, f = divmod(r, 1_000_000)
        return f"{h:02d}:{m:02d}:{s:02d}.{f:06d}"

    decimal.getcontext().prec = 60

    def is_uuid(t):
        return getattr(t, "extension_name", None) == "arrow.uuid"

    def is_json_text(t):
        return getattr(t, "extension_name", None) == "arrow.json"

    def abi_type(t):
        if is_uuid(t) or is_json_text(t): return "utf8"
        if pa.types.is_boolean(t): return "bool"
        if t == pa.uint64(): return "decimal(20,0)"
        if pa.types.is_integer(t): return "int64"
        if pa.types.is_floating(t): return "double"
        if pa.types.is_string(t) or pa.types.is_large_string(t) or pa.types.is_time(t): return "utf8"
        if pa.types.is_binary(t) or pa.types.is_large_binary(t) or pa.types.is_fixed_size_binary(t): return "binary"
        if pa.types.is_decimal(t): return f"decimal({t.precision},{t.scale})"
        if pa.types.is_date32(t): return "date32"
        if pa.types.is_timestamp(t): return "timestamp[us, UTC]"
        if pa.types.is_null(t): return "null"
        if pa.types.is_dictionary(t): return abi_type(t.value_type)
        return "json"

    def nested(v, t):
        if v is None: return None
        if pa.types.is_list(t) or pa.types.is_large_list(t): return [nested(x, t.value_type) for x in v]
        if pa.types.is_struct(t): return {t.field(i).name: nested(v[t.field(i).name], t.field(i).type) for i in range(t.num_fields)}
        if pa.types.is_map(t): return {str(k): nested(x, t.item_type) for k, x in v}
        if pa.types.is_floating(t): return None if math.isnan(v) else v
        if pa.types.is_binary(t): return base64.b64encode(v).decode()
        if pa.types.is_decimal(t): return float(v)
        return v

    def values(col, t):
        if pa.types.is_dictionary(t):
            col = col.cast(t.value_type); t = t.value_type
        if is_uuid(t):
            return [None if v is None else str(uuid.UUID(bytes=v)) for v in col.cast(t.storage_type).to_pylist()]
        if is_json_text(t): return col.cast(t.storage_type).to_pylist()
        if pa.types.is_timestamp(t):
            scale = {"s": lambda v: v * 1_000_000, "ms": lambda v: v * 1000, "us": lambda v: v, "ns": lambda v: v // 1000}[t.unit]
            return [None if v is None else scale(v) for v in col.cast(pa.int64()).to_pylist()]
        if pa.types.is_date32(t): return col.cast(pa.int32()).to_pylist()
        if pa.types.is_time(t):
            raw = col.cast(pa.int32() if pa.types.is_time32(t) else pa.int64()).to_pylist()
            scale = {"s": lambda v: v * 1_000_000, "ms": lambda v: v * 1000, "us": lambda v: v, "ns": lambda v: v // 1000}[t.unit]
            return [None if v is None else hms(scale(v)) for v in raw]
        if pa.types.is_decimal(t): return [None if v is None else f"{v:.{t.scale}f}" for v in col.to_pylist()]
        if t == pa.uint64(): return [None if v is None else str(v) for v in col.to_pylist()]
        if pa.types.is_binary(t) or pa.types.is_large_binary(t) or pa.types.is_fixed_size_binary(t):
            return [None if v is None else v.hex() for v in col.to_pylist()]
        if pa.types.is_floating(t):
            # As text: Foundation's JSON parser may round long doubles; Swift's Double(String) does not.
            return [None if v is None else repr(v) for v in col.cast(pa.float64()).to_pylist()]
        if abi_type(t) == "json": return [nested(v, t) for v in col.to_pylist()]
        return col.to_pylist()

    def expect(name, path, table):
        """Records what `path` holds: `table`, as Python reads the file back."""
        back = pq.read_table(path)
        assert back.num_rows == table.num_rows
        meta = pq.ParquetFile(path).metadata
        encodings = {}
        for g in range(meta.num_row_groups):
            for c in range(meta.num_columns):
                column = meta.row_group(g).column(c)
                encodings.setdefault(column.path_in_schema.split(".")[0], set()).update(list(column.encodings) + [column.compression])
        physical = {meta.schema.column(c).path.split(".")[0]: meta.schema.column(c).physical_type for c in range(meta.num_columns)}
        CASES.append({"name": name, "path": path, "encodings": {k: sorted(v) for k, v in encodings.items()}, "physical": physical, "columns": [
            {"name": f.name, "type": abi_type(f.type), "values": values(back.column(f.name), f.type)} for f in back.schema]})

    def write(name, table, **options):
        path = os.path.join(OUT, name + ".parquet")
        pq.write_table(table, path, **options)
        expect(name, path, table)
        return path

    def finish():
        print(json.dumps(CASES))
    """#

    /// A table with every flat type and nulls in each nullable column, `rows` long.
    static let flatTable = #"""
    def flat_table(rows):
        import random
        rnd = random.Random(7)
        def maybe(v, i): return None if i % 7 == 3 else v
        ts = [maybe(1_700_000_000_123_456 + i * 1_000_003 * (-1) ** i, i) for i in range(rows)]
        words = ["alpha", "beta", "gamma", "délta", "ε", "", "naïve café", "日本語"]
        t = pa.table({
            "i8": pa.array([maybe((i % 250) - 125, i) for i in range(rows)], pa.int8()),
            "i16": pa.array([maybe(i * 37 - 30000, i) for i in range(rows)], pa.int16()),
            "i32": pa.array([maybe(rnd.randint(-2**31, 2**31 - 1), i) for i in range(rows)], pa.int32()),
            "i64": pa.array([maybe(rnd.randint(-2**63, 2**63 - 1), i) for i in range(rows)], pa.int64()),
            "u8": pa.array([maybe(i % 256, i) for i in range(rows)], pa.uint8()),
            "u32": pa.array([maybe(4_294_967_295 - i, i) for i in range(rows)], pa.uint32()),
            "u64": pa.array([maybe(18_446_744_073_709_551_615 - i * 3, i) for i in range(rows)], pa.uint64()),
            "f32": pa.array([maybe(rnd.uniform(-1e6, 1e6), i) for i in range(rows)], pa.float32()),
            "f64": pa.array([maybe(float("nan") if i == 5 else rnd.uniform(-1e300, 1e300), i) for i in range(rows)], pa.float64()),
            "flag": pa.array([maybe(i % 3 == 0, i) for i in range(rows)], pa.bool_()),
            "word": pa.array([maybe(words[i % len(words)] + ("" if i % 2 else str(i)), i) for i in range(rows)], pa.string()),
            "blob": pa.array([maybe(bytes([i % 256, 0, 255]) * (i % 4), i) for i in range(rows)], pa.binary()),
            "fixed": pa.array([maybe(bytes([i % 256] * 5), i) for i in range(rows)], pa.binary(5)),
            "day": pa.array([maybe(-800 + i * 3, i) for i in range(rows)], pa.date32()),
            "ts_us_utc": pa.array(ts, pa.timestamp("us", tz="UTC")),
            "price": pa.array([maybe(decimal.Decimal(i * 1234 - 50000).scaleb(-2), i) for i in range(rows)], pa.decimal128(12, 2)),
            "required_id": pa.array(list(range(rows)), pa.int64()),
        })
        # One column required (no definition levels at all), the others optional.
        return t.cast(pa.schema([f.with_nullable(f.name != "required_id") for f in t.schema]))

    """#
}
