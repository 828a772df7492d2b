import ETLArrow
import Foundation
import PluginTestSupport
import TestSupport
import XCTest

/// Reads Parquet files back with the real peers — pyarrow and DuckDB from the project's venv —
/// and renders every value in one canonical text form, so a test compares exactly what it wrote
/// with what each reader sees: integers and day/microsecond counts as digits, doubles as their
/// 64-bit pattern (`f:<bits>`), text as `s:<text>`, bytes as `x:<hex>`, decimals as `d:<digits>`,
/// booleans as `true`/`false`, nulls as `null`.
enum ParquetReadBack {
    /// What a reader saw: column names, their types in the reader's words, and the rows.
    struct Table: Equatable {
        var columns: [String]
        var types: [String]
        var rows: [[String]]
    }

    private static let canonicalPython = #"""
    import json, struct, sys
    def canon(value, kind):
        if value is None: return "null"
        if kind == "bool": return "true" if value else "false"
        if kind == "double": return "f:%d" % struct.unpack("<q", struct.pack("<d", value))[0]
        if kind == "text": return "s:" + value
        if kind == "bytes": return "x:" + bytes(value).hex()
        if kind == "decimal": return "d:" + (value if isinstance(value, str) else format(value, "f"))
        return str(int(value))
    def emit(columns, types, kinds, rows):
        out = [[canon(v, k) for v, k in zip(row, kinds)] for row in rows]
        print(json.dumps({"columns": columns, "types": types, "rows": out}))
    """#

    /// The file or dataset folder as pyarrow reads it (`pq.read_table`, Hive partitions included);
    /// `filesystem` is a Python expression for a `pyarrow.fs` filesystem (an object store) to read
    /// `path` from, nil for the local one.
    static func pyarrow(_ path: String, filesystem: String? = nil) throws -> Table {
        try decode(ProjectPython.run(canonicalPython + "\n" + #"""
            import datetime, pyarrow as pa, pyarrow.fs, pyarrow.parquet as pq
            table = pq.read_table(sys.argv[1], filesystem=eval(sys.argv[2]))
            columns, types, kinds, lists = [], [], [], []
            for field, column in zip(table.schema, table.columns):
                t = field.type
                if pa.types.is_dictionary(t):
                    column = column.cast(t.value_type); t = t.value_type
                columns.append(field.name); types.append(str(t))
                if pa.types.is_timestamp(t): column = column.cast(pa.int64()); kind = "int"
                elif pa.types.is_date32(t): column = column.cast(pa.int32()); kind = "int"
                elif pa.types.is_boolean(t): kind = "bool"
                elif pa.types.is_floating(t): kind = "double"
                elif pa.types.is_string(t) or pa.types.is_large_string(t): kind = "text"
                elif pa.types.is_binary(t) or pa.types.is_large_binary(t) or pa.types.is_fixed_size_binary(t): kind = "bytes"
                elif pa.types.is_decimal(t): kind = "decimal"
                else: kind = "int"
                kinds.append(kind); lists.append(column.to_pylist())
            emit(columns, types, kinds, list(zip(*lists)) if lists else [])
            """#, [path, filesystem ?? "None"]))
    }

    /// The file or dataset folder as DuckDB reads it (`read_parquet`, with `hive_partitioning`).
    static func duckdb(_ path: String) throws -> Table {
        try decode(ProjectPython.run(canonicalPython + "\n" + #"""
            import duckdb, os
            path = sys.argv[1]
            source = (os.path.join(path, "**", "*.parquet") if os.path.isdir(path) else path).replace("'", "''")
            relation = "read_parquet('%s', hive_partitioning = true)" % source
            described = duckdb.sql("DESCRIBE SELECT * FROM " + relation).fetchall()
            columns, types, kinds, exprs = [], [], [], []
            for name, t, *_ in described:
                q = '"%s"' % name.replace('"', '""')
                columns.append(name); types.append(t)
                if t.startswith("TIMESTAMP"): exprs.append("epoch_us(%s)" % q); kinds.append("int")
                elif t == "DATE": exprs.append("(%s - DATE '1970-01-01')" % q); kinds.append("int")
                elif t == "BOOLEAN": exprs.append(q); kinds.append("bool")
                elif t in ("DOUBLE", "FLOAT"): exprs.append(q); kinds.append("double")
                elif t == "VARCHAR": exprs.append(q); kinds.append("text")
                elif t == "BLOB": exprs.append(q); kinds.append("bytes")
                elif t.startswith("DECIMAL"): exprs.append("CAST(%s AS VARCHAR)" % q); kinds.append("decimal")
                else: exprs.append(q); kinds.append("int")
            rows = duckdb.sql("SELECT %s FROM %s" % (", ".join(exprs), relation)).fetchall() if exprs else []
            emit(columns, types, kinds, rows)
            """#, [path]))
    }

    /// Facts of a file's metadata as pyarrow reports them: row groups, and per column of the
    /// first row group its encodings, codec, statistics and whether it has a dictionary page.
    static func metadata(_ path: String) throws -> [String: Any] {
        let text = try ProjectPython.run(#"""
            import json, sys, pyarrow.parquet as pq
            meta = pq.ParquetFile(sys.argv[1]).metadata
            out = {"row_groups": meta.num_row_groups, "rows": meta.num_rows, "created_by": meta.created_by,
                   "group_rows": [meta.row_group(i).num_rows for i in range(meta.num_row_groups)], "columns": {}}
            for i in range(meta.num_row_groups):
                group = meta.row_group(i)
                for c in range(group.num_columns):
                    col = group.column(c)
                    stats = col.statistics
                    entry = out["columns"].setdefault(col.path_in_schema, [])
                    entry.append({"encodings": sorted(col.encodings), "codec": col.compression,
                                  "dictionary": col.has_dictionary_page, "physical": col.physical_type,
                                  "null_count": stats.null_count if stats is not None and stats.has_null_count else None,
                                  "min": str(stats.min) if stats is not None and stats.has_min_max else None,
                                  "max": str(stats.max) if stats is not None and stats.has_min_max else None})
            print(json.dumps(out))
            """#, [path])
        return try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
    }

    private static func decode(_ text: String) throws -> Table {
        let object = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any], text)
        return Table(columns: try XCTUnwrap(object["columns"] as? [String]), types: try XCTUnwrap(object["types"] as? [String]),
                     rows: try XCTUnwrap(object["rows"] as? [[String]]))
    }

    /// `cell` in the canonical text form the readers' values are rendered in.
    static func canonical(_ cell: Cell) -> String {
        switch cell {
        case .int(let value): String(value)
        case .double(let value): "f:\(Int64(bitPattern: value.bitPattern))"
        case .text(let value): "s:" + value
        case .bool(let value): value ? "true" : "false"
        case .blob(let bytes): "x:" + bytes.map { String(format: "%02x", $0) }.joined()
        case .timestamp(let micros): String(micros)
        case .date(let days): String(days)
        case .decimal(let unscaled, let scale): "d:" + ArrowDecimal(unscaled: unscaled, scale: scale).text
        case .null: "null"
        }
    }

    /// The rows as the readers render them.
    static func canonical(_ rows: [[Cell]]) -> [[String]] {
        rows.map { $0.map(canonical) }
    }
}
