import CLibPQ
import ETLArrow
import ETLPluginKit

/// How a column's binary COPY field is decoded.
enum PGFieldDecoding: Sendable, Equatable {
    case int2, int4, int8, float4, float8, bool, text, bytea, timestamp, date
    /// numeric(P,S) with P <= 38, into decimal128(P,S).
    case numeric(precision: Int, scale: Int)
}

/// One column of a source relation: its name, the Arrow type it is read as, and how the SELECT
/// list and the decoder treat it. Types without a binary decoder here (json, jsonb, uuid,
/// intervals, arrays, numeric wider than 38 digits or without a precision, ...) are cast to
/// text in the query (`"c"::text`), so every column reads as something and nothing is lost.
struct PGSourceColumn: Sendable, Equatable {
    var name: String
    var type: ArrowColumnType
    var decoding: PGFieldDecoding
    /// The column's type OID, to tell lookback and safety lag which cursors are timestamps.
    var typeOID: UInt32

    /// The column as an item of the COPY's SELECT list.
    var selectItem: String {
        decoding == .text && !Self.textOIDs.contains(typeOID)
            ? "\(PGIdentifier.quoted(name))::text AS \(PGIdentifier.quoted(name))"
            : PGIdentifier.quoted(name)
    }

    /// Whether the column is a point in time (lookback and safety lag need one).
    var isTimestamp: Bool { typeOID == 1114 || typeOID == 1184 || typeOID == 1082 }

    /// text, varchar, bpchar, name: sent as their bytes.
    static let textOIDs: Set<UInt32> = [25, 1043, 1042, 19]

    /// The column as read from a result's description.
    init(name: String, typeOID: UInt32, typeModifier: Int32) {
        self.name = name
        self.typeOID = typeOID
        switch typeOID {
        case 21: (type, decoding) = (.int64, .int2)
        case 23: (type, decoding) = (.int64, .int4)
        case 20: (type, decoding) = (.int64, .int8)
        case 700: (type, decoding) = (.double, .float4)
        case 701: (type, decoding) = (.double, .float8)
        case 16: (type, decoding) = (.bool, .bool)
        case 17: (type, decoding) = (.binary, .bytea)
        case 1114, 1184: (type, decoding) = (.timestampMicrosecondsUTC, .timestamp)
        case 1082: (type, decoding) = (.date32, .date)
        case 1700 where typeModifier >= 4:
            // numeric's typmod is ((precision << 16) | scale) + VARHDRSZ.
            let packed = Int(typeModifier) - 4
            let precision = packed >> 16
            let scale = packed & 0xFFFF
            if precision >= 1, precision <= ArrowDecimal.maximumPrecision, scale <= precision {
                (type, decoding) = (.decimal128(precision: precision, scale: scale), .numeric(precision: precision, scale: scale))
            } else {
                (type, decoding) = (.utf8, .text)
            }
        default: (type, decoding) = (.utf8, .text)
        }
    }

    /// The columns of `relation`, from the description of a query that returns no row.
    static func describe(_ relation: PGSourceRelation, connection: PostgresConnection,
                         stream: String) throws(PluginError) -> [PGSourceColumn] {
        let sql = "SELECT * FROM \(relation.fromItem) LIMIT 0"
        let result = PQexec(connection.handle, sql)
        defer { PQclear(result) }
        try connection.check(result, what: "reading the columns of stream \"\(stream)\"")
        guard let result else { return [] }
        var columns: [PGSourceColumn] = []
        var seen: Set<String> = []
        for index in 0..<PQnfields(result) {
            let name = String(cString: PQfname(result, index))
            guard seen.insert(name).inserted else {
                throw .invalidConfig("stream \"\(stream)\" has two columns named \(PGIdentifier.quoted(name)); give them distinct names (AS ...) in the query")
            }
            columns.append(PGSourceColumn(name: name, typeOID: UInt32(PQftype(result, index)), typeModifier: PQfmod(result, index)))
        }
        guard !columns.isEmpty else {
            throw .invalidConfig("stream \"\(stream)\" has no columns; select at least one")
        }
        return columns
    }

    /// The Arrow schema of `columns`.
    static func schema(_ columns: [PGSourceColumn]) -> ArrowSchemaDescription {
        ArrowSchemaDescription(fields: columns.map {
            // json and jsonb arrive as their text; marked as JSON, a postgres sink recreates them as jsonb.
            ArrowField(name: $0.name, type: $0.type, extensionName: [114, 3802].contains($0.typeOID) ? ArrowField.jsonExtension : nil)
        })
    }
}
