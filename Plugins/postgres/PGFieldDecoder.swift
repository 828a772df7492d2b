import ETLArrow

/// Decodes one binary COPY field (PostgreSQL's *_send format) for a batch column: a whole row
/// is decoded before any of it is appended, so a value with no Arrow counterpart (an infinite
/// timestamp, a numeric NaN) rejects its row without leaving half of it in the batch.
enum PGFieldDecoder {
    /// Microseconds and days from 1970-01-01 to PostgreSQL's epoch, 2000-01-01.
    private static let epochMicros: Int64 = 946_684_800_000_000
    private static let epochDays: Int32 = 10_957

    /// A decoded field; text and bytes point into the COPY message (valid until the next tuple).
    enum Value {
        case integer(Int64), double(Double), bool(Bool), text(UnsafeRawBufferPointer), bytes(UnsafeRawBufferPointer)
        case micros(Int64), days(Int32), decimal(ArrowDecimal)
    }

    /// The field's value, or why it has no Arrow counterpart.
    static func decode(_ field: UnsafeRawBufferPointer, as decoding: PGFieldDecoding) -> Result<Value, NumericProblem> {
        func size(_ expected: Int) -> NumericProblem? {
            field.count == expected ? nil : NumericProblem(reason: "the field has \(field.count) bytes where its type has \(expected)")
        }
        switch decoding {
        case .int2:
            if let problem = size(2) { return .failure(problem) }
            return .success(.integer(Int64(Int16(bitPattern: UInt16(truncatingIfNeeded: unsigned(field))))))
        case .int4:
            if let problem = size(4) { return .failure(problem) }
            return .success(.integer(Int64(Int32(bitPattern: UInt32(truncatingIfNeeded: unsigned(field))))))
        case .int8:
            if let problem = size(8) { return .failure(problem) }
            return .success(.integer(Int64(bitPattern: unsigned(field))))
        case .float4:
            if let problem = size(4) { return .failure(problem) }
            return .success(.double(Double(Float(bitPattern: UInt32(truncatingIfNeeded: unsigned(field))))))
        case .float8:
            if let problem = size(8) { return .failure(problem) }
            return .success(.double(Double(bitPattern: unsigned(field))))
        case .bool:
            if let problem = size(1) { return .failure(problem) }
            return .success(.bool(field[0] != 0))
        case .text:
            return .success(.text(field))
        case .bytea:
            return .success(.bytes(field))
        case .timestamp:
            if let problem = size(8) { return .failure(problem) }
            let value = Int64(bitPattern: unsigned(field))
            guard value != .max, value != .min else {
                return .failure(NumericProblem(reason: "the timestamp is \(value == .max ? "infinity" : "-infinity"), which an Arrow timestamp cannot hold"))
            }
            let (micros, overflow) = value.addingReportingOverflow(epochMicros)
            guard !overflow else { return .failure(NumericProblem(reason: "the timestamp is out of the range of a 64-bit microsecond count")) }
            return .success(.micros(micros))
        case .date:
            if let problem = size(4) { return .failure(problem) }
            let value = Int32(bitPattern: UInt32(truncatingIfNeeded: unsigned(field)))
            guard value != .max, value != .min else {
                return .failure(NumericProblem(reason: "the date is \(value == .max ? "infinity" : "-infinity"), which an Arrow date cannot hold"))
            }
            let (days, overflow) = value.addingReportingOverflow(epochDays)
            guard !overflow else { return .failure(NumericProblem(reason: "the date is out of the range of a 32-bit day count")) }
            return .success(.days(days))
        case .numeric(_, let scale):
            return numeric(field, scale: scale).map { .decimal(ArrowDecimal(unscaled: $0, scale: scale)) }
        }
    }

    /// Appends a decoded value to its column.
    static func append(_ value: Value, column: Int, to builder: RecordBatchBuilder) throws(ArrowError) {
        switch value {
        case .integer(let value): try builder.append(int64: value, column: column)
        case .double(let value): try builder.append(double: value, column: column)
        case .bool(let value): try builder.append(bool: value, column: column)
        case .text(let bytes): try builder.append(utf8: bytes, column: column)
        case .bytes(let bytes): try builder.append(binary: bytes, column: column)
        case .micros(let value): try builder.append(timestampMicroseconds: value, column: column)
        case .days(let value): try builder.append(date32: value, column: column)
        case .decimal(let value): try builder.append(decimal128: value, column: column)
        }
    }

    struct NumericProblem: Error { var reason: String }

    /// numeric_send's value as an unscaled integer at `scale`: int16 ndigits, weight, sign,
    /// dscale, then base-10000 digits, the first worth 10000^weight.
    static func numeric(_ field: UnsafeRawBufferPointer, scale: Int) -> Result<Int128, NumericProblem> {
        guard field.count >= 8 else { return .failure(NumericProblem(reason: "a numeric field of \(field.count) bytes is too short")) }
        func int16(_ at: Int) -> Int { Int(Int16(bitPattern: UInt16(field[at]) << 8 | UInt16(field[at + 1]))) }
        let count = int16(0)
        let weight = int16(2)
        let sign = UInt16(field[4]) << 8 | UInt16(field[5])
        switch sign {
        case 0x0000, 0x4000: break
        case 0xC000: return .failure(NumericProblem(reason: "the numeric is NaN, which a decimal cannot hold"))
        default: return .failure(NumericProblem(reason: "the numeric is infinite, which a decimal cannot hold"))
        }
        guard count >= 0, field.count == 8 + 2 * count else {
            return .failure(NumericProblem(reason: "a numeric field of \(field.count) bytes does not hold \(count) digits"))
        }
        var value: Int128 = 0
        for index in 0..<count {
            let digit = Int128(int16(8 + 2 * index))
            let exponent = 4 * (weight - index) + scale
            if exponent >= 0 {
                guard exponent <= 38, let power = power(of: exponent) else { return .failure(tooWide(scale)) }
                let (product, overflow) = digit.multipliedReportingOverflow(by: power)
                let (sum, overflow2) = value.addingReportingOverflow(product)
                guard !overflow, !overflow2 else { return .failure(tooWide(scale)) }
                value = sum
            } else {
                guard -exponent <= 4, let divisor = power(of: -exponent), digit % divisor == 0 else {
                    return .failure(NumericProblem(reason: "the numeric has more than \(scale) digits after the point"))
                }
                value += digit / divisor
            }
        }
        return .success(sign == 0x4000 ? -value : value)
    }

    private static func power(of exponent: Int) -> Int128? {
        var result: Int128 = 1
        for _ in 0..<exponent {
            let (next, overflow) = result.multipliedReportingOverflow(by: 10)
            guard !overflow else { return nil }
            result = next
        }
        return result
    }

    private static func tooWide(_ scale: Int) -> NumericProblem {
        NumericProblem(reason: "the numeric has more digits than a decimal128 at scale \(scale) holds")
    }

    private static func unsigned(_ field: UnsafeRawBufferPointer) -> UInt64 {
        var value: UInt64 = 0
        for byte in field { value = value << 8 | UInt64(byte) }
        return value
    }
}
