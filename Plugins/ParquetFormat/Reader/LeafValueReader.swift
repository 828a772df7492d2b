import ETLArrow

/// Appends a leaf's converted values to a batch column, or renders them as JSON text inside a
/// nested value. One per leaf of a decoded row group.
public struct LeafValueReader {
    public let conversion: LeafConversion
    public let values: ParquetValues
    /// The column's name, for messages.
    let path: String

    public init(conversion: LeafConversion, values: ParquetValues, path: String) {
        self.conversion = conversion
        self.values = values
        self.path = path
    }

    /// Appends value `index` to `column` of `builder`.
    public func append(_ index: Int, to builder: RecordBatchBuilder, column: Int) throws(ParquetReadError) {
        switch conversion {
        case .decimal:
            let value = try decimal(index)
            try arrow(index) { () throws(ArrowError) in try builder.append(decimal128: value, column: column) }
        case .timestamp, .int96:
            let micros = try timestampMicros(index)
            try arrow(index) { () throws(ArrowError) in try builder.append(timestampMicroseconds: micros, column: column) }
        case .time, .uuid:
            let text = try text(index)
            try arrow(index) { () throws(ArrowError) in try builder.append(string: text, column: column) }
        case .utf8, .binary:
            guard case .bytes(let v) = values else { throw mismatch() }
            var failure: ArrowError?
            v[index].withUnsafeBytes { bytes in
                do throws(ArrowError) {
                    if conversion == .utf8 { try builder.append(utf8: bytes, column: column) } else { try builder.append(binary: bytes, column: column) }
                } catch {
                    failure = error
                }
            }
            if let failure { throw ParquetReadError(.corrupt, "column \(path), value \(index): \(failure.message)") }
        default:
            try arrow(index) { () throws(ArrowError) in
                switch (conversion, values) {
                case (.boolean, .boolean(let v)): try builder.append(bool: v[index], column: column)
                case (.int32, .int32(let v)): try builder.append(int64: Int64(v[index]), column: column)
                case (.uint32, .int32(let v)): try builder.append(int64: Int64(UInt32(bitPattern: v[index])), column: column)
                case (.int64, .int64(let v)): try builder.append(int64: v[index], column: column)
                case (.uint64, .int64(let v)): try builder.append(decimal128: ArrowDecimal(unscaled: Int128(UInt64(bitPattern: v[index])), scale: 0), column: column)
                case (.float, .float(let v)): try builder.append(double: Double(v[index]), column: column)
                case (.double, .double(let v)): try builder.append(double: v[index], column: column)
                case (.float16, .bytes(let v)): try builder.append(double: Self.float16(v[index]), column: column)
                case (.date, .int32(let v)): try builder.append(date32: v[index], column: column)
                case (.null, _): try builder.appendNull(column: column)
                default: throw ArrowError(.badData, "its values do not match its type")
                }
            }
        }
    }

    private func arrow(_ index: Int, _ body: () throws(ArrowError) -> Void) throws(ParquetReadError) {
        do throws(ArrowError) { try body() } catch {
            throw ParquetReadError(.corrupt, "column \(path), value \(index): \(error.message)")
        }
    }

    private func mismatch() -> ParquetReadError {
        ParquetReadError(.corrupt, "column \(path)'s values do not match its type")
    }

    /// Value `index` as JSON text (numbers bare, decimals as exact number literals, text and
    /// timestamps quoted, binary as base64).
    public func json(_ index: Int, into output: inout String) throws(ParquetReadError) {
        switch (conversion, values) {
        case (.boolean, .boolean(let v)): output += v[index] ? "true" : "false"
        case (.int32, .int32(let v)): output += String(v[index])
        case (.uint32, .int32(let v)): output += String(UInt32(bitPattern: v[index]))
        case (.int64, .int64(let v)): output += String(v[index])
        case (.uint64, .int64(let v)): output += String(UInt64(bitPattern: v[index]))
        case (.float, .float(let v)): output += Self.jsonNumber(Double(v[index]))
        case (.double, .double(let v)): output += Self.jsonNumber(v[index])
        case (.float16, .bytes(let v)): output += Self.jsonNumber(Self.float16(v[index]))
        case (.utf8, .bytes(let v)):
            guard let text = String(validating: v[index], as: UTF8.self) else {
                throw ParquetReadError(.corrupt, "column \(path), value \(index): the text is not valid UTF-8")
            }
            JSONTextWriter.quote(text, into: &output)
        case (.binary, .bytes(let v)), (.binary, .int96(let v)): JSONTextWriter.quote(Base64.encode(v[index]), into: &output)
        case (.decimal, _): output += try decimal(index).text
        case (.date, .int32(let v)): JSONTextWriter.quote(ArrowTimestampText.withBuffer { ArrowTimestampText.writeDate(days: Int64(v[index]), into: $0) }, into: &output)
        case (.timestamp, _), (.int96, _): JSONTextWriter.quote(ArrowTimestampText.rfc3339(micros: try timestampMicros(index)), into: &output)
        case (.time, _), (.uuid, _): JSONTextWriter.quote(try text(index), into: &output)
        case (.null, _): output += "null"
        default: throw ParquetReadError(.corrupt, "column \(path)'s values do not match its type")
        }
    }

    /// The value as a decimal (decimal conversions only).
    func decimal(_ index: Int) throws(ParquetReadError) -> ArrowDecimal {
        guard case .decimal(_, let scale) = conversion else { throw ParquetReadError(.corrupt, "column \(path) is not a decimal") }
        switch values {
        case .int32(let v): return ArrowDecimal(unscaled: Int128(v[index]), scale: scale)
        case .int64(let v): return ArrowDecimal(unscaled: Int128(v[index]), scale: scale)
        case .bytes(let v):
            let bytes = v[index]
            guard bytes.count <= 16 else {
                // Wider big-endian integers are allowed when the extra bytes are only sign.
                let extra = bytes.prefix(bytes.count - 16)
                let sign: UInt8 = (bytes.first ?? 0) & 0x80 != 0 ? 0xFF : 0
                guard extra.allSatisfy({ $0 == sign }) else {
                    throw ParquetReadError(.corrupt, "column \(path), value \(index): a decimal of \(bytes.count) bytes exceeds 128 bits")
                }
                return Self.bigEndianDecimal(bytes.suffix(16), scale: scale)
            }
            return Self.bigEndianDecimal(bytes, scale: scale)
        default: throw ParquetReadError(.corrupt, "column \(path): decimal values of an unexpected physical type")
        }
    }

    private static func bigEndianDecimal(_ bytes: ArraySlice<UInt8>, scale: Int) -> ArrowDecimal {
        guard let first = bytes.first else { return ArrowDecimal(unscaled: 0, scale: scale) }
        var value: Int128 = first & 0x80 != 0 ? -1 : 0
        for byte in bytes { value = value << 8 | Int128(byte) }
        return ArrowDecimal(unscaled: value, scale: scale)
    }

    /// Microseconds since the epoch (timestamp and INT96 conversions).
    func timestampMicros(_ index: Int) throws(ParquetReadError) -> Int64 {
        switch (conversion, values) {
        case (.timestamp(let unit), .int64(let v)):
            let raw = v[index]
            switch unit {
            case .millis:
                let (micros, overflow) = raw.multipliedReportingOverflow(by: 1000)
                guard !overflow else { throw ParquetReadError(.corrupt, "column \(path), value \(index): \(raw) ms is out of range") }
                return micros
            case .micros: return raw
            case .nanos: return Self.floorDivide(raw, 1000)
            }
        case (.int96, .int96(let v)):
            let bytes = Array(v[index])
            var nanos: Int64 = 0
            for position in 0..<8 { nanos |= Int64(bytes[position]) << (8 * Int64(position)) }
            var julian: Int64 = 0
            for position in 0..<4 { julian |= Int64(bytes[8 + position]) << (8 * Int64(position)) }
            // Julian day 2440588 is 1970-01-01.
            return (julian - 2_440_588) * ArrowCivilTime.microsecondsPerDay + Self.floorDivide(nanos, 1000)
        default:
            throw ParquetReadError(.corrupt, "column \(path): timestamp values of an unexpected physical type")
        }
    }

    /// TIME as `HH:MM:SS.ffffff`, UUID in its 8-4-4-4-12 form.
    func text(_ index: Int) throws(ParquetReadError) -> String {
        switch (conversion, values) {
        case (.time(let unit), _):
            let micros: Int64
            switch (unit, values) {
            case (.millis, .int32(let v)): micros = Int64(v[index]) * 1000
            case (.micros, .int64(let v)): micros = v[index]
            case (.nanos, .int64(let v)): micros = Self.floorDivide(v[index], 1000)
            default: throw ParquetReadError(.corrupt, "column \(path): time values of an unexpected physical type")
            }
            guard micros >= 0, micros <= ArrowCivilTime.microsecondsPerDay else {
                throw ParquetReadError(.corrupt, "column \(path), value \(index): a time of \(micros) µs is outside a day")
            }
            let (hour, minute, second, fraction) = ArrowCivilTime.timeOfDay(microsecondOfDay: micros)
            return "\(Self.pad(hour, 2)):\(Self.pad(minute, 2)):\(Self.pad(second, 2)).\(Self.pad(fraction, 6))"
        case (.uuid, .bytes(let v)):
            let hex = v[index].map { Self.pad(Int64($0), 2, radix: 16) }
            return [hex[0..<4], hex[4..<6], hex[6..<8], hex[8..<10], hex[10..<16]].map { $0.joined() }.joined(separator: "-")
        default:
            throw ParquetReadError(.corrupt, "column \(path): values of an unexpected physical type")
        }
    }

    private static func pad(_ value: Int64, _ width: Int, radix: Int = 10) -> String {
        let digits = String(value, radix: radix)
        return String(repeating: "0", count: max(0, width - digits.count)) + digits
    }

    static func floorDivide(_ value: Int64, _ divisor: Int64) -> Int64 {
        let quotient = value / divisor
        return (value % divisor != 0 && value < 0) ? quotient - 1 : quotient
    }

    /// IEEE 754 half precision, little-endian.
    static func float16(_ bytes: ArraySlice<UInt8>) -> Double {
        let base = bytes.startIndex
        let bits = UInt16(bytes[base]) | UInt16(bytes[base + 1]) << 8
        let sign: Double = bits & 0x8000 != 0 ? -1 : 1
        let exponent = Int((bits >> 10) & 0x1F)
        let fraction = Double(bits & 0x3FF)
        switch exponent {
        case 0: return sign * fraction * 0x1p-24
        case 31: return fraction == 0 ? sign * .infinity : .nan
        default: return sign * (1 + fraction / 1024) * Double(sign: .plus, exponent: exponent - 15, significand: 1)
        }
    }

    private static func jsonNumber(_ value: Double) -> String {
        // JSON has no NaN or infinity: they become null rather than invalid JSON.
        guard value.isFinite else { return "null" }
        if value == value.rounded(), abs(value) < 1e15 { return String(Int64(value)) }
        return String(value)
    }
}
