import CETLPlugin
import ETLArrow

/// The columns of a result stream a driver returned, each with the conversion to our ABI.
struct DriverSchema {
    let names: [String]
    let types: [DriverColumnType]
    /// The schema our stream publishes.
    let abi: ArrowSchemaDescription

    /// Reads a driver's struct schema (`+s` with one child per column).
    init(importing schema: UnsafePointer<ArrowSchema>) throws(ArrowError) {
        let format = schema.pointee.format.map { String(cString: $0) } ?? ""
        guard format == "+s" else {
            throw ArrowError(.invalidArray, "the driver's result schema has format \"\(format)\", not a struct (+s) of columns")
        }
        var names: [String] = []
        var types: [DriverColumnType] = []
        var fields: [ArrowField] = []
        for index in 0..<Int(schema.pointee.n_children) {
            guard let child = schema.pointee.children?[index] else {
                throw ArrowError(.invalidArray, "the driver's result schema has no child \(index)")
            }
            let name = child.pointee.name.map { String(cString: $0) } ?? "column_\(index + 1)"
            let childFormat = child.pointee.format.map { String(cString: $0) } ?? ""
            let type = try DriverColumnType(format: childFormat, column: name, hasDictionary: child.pointee.dictionary != nil)
            names.append(name)
            types.append(type)
            fields.append(ArrowField(name: name, type: type.abiType, nullable: true))
        }
        self.names = names
        self.types = types
        abi = ArrowSchemaDescription(fields: fields)
    }
}

/// Copies rows of a driver's batch into our builder, converting each column (DriverColumnType).
/// Copying rather than moving the driver's buffers: most columns need converting anyway, and
/// the copy frees the driver's batch as soon as it is read.
struct DriverBatchCopy {
    /// The batch's struct (a copy of the pointers: the driver's batch must outlive this value).
    let array: ArrowArray
    let schema: DriverSchema

    /// Checks the batch's shape against the schema (children, lengths, buffers), so reads stay
    /// inside the driver's buffers.
    init(_ array: ArrowArray, schema: DriverSchema) throws(ArrowError) {
        self.array = array
        self.schema = schema
        let parent = array
        guard Int(parent.n_children) == schema.types.count, let children = parent.children else {
            throw ArrowError(.invalidArray, "the driver sent a batch with \(parent.n_children) columns where its schema has \(schema.types.count)")
        }
        let needed = Int(parent.offset + parent.length)
        for (index, type) in schema.types.enumerated() {
            guard let child = children[index] else { throw ArrowError(.invalidArray, "the driver's batch has no column \(index)") }
            guard Int(child.pointee.length) >= needed else {
                throw ArrowError(.invalidArray, "column \"\(schema.names[index])\" of the driver's batch has \(child.pointee.length) values, fewer than the batch's \(needed) rows")
            }
            let buffers: Int = switch type {
            case .null: 0
            case .text, .bytes: 3
            default: 2
            }
            guard Int(child.pointee.n_buffers) >= buffers, buffers == 0 || child.pointee.buffers != nil else {
                throw ArrowError(.invalidArray, "column \"\(schema.names[index])\" of the driver's batch has \(child.pointee.n_buffers) buffers where its type needs \(buffers)")
            }
            for buffer in 1..<max(buffers, 1) where child.pointee.buffers[buffer] == nil && child.pointee.length > 0 {
                throw ArrowError(.invalidArray, "column \"\(schema.names[index])\" of the driver's batch has a NULL buffer \(buffer)")
            }
        }
    }

    var rowCount: Int { Int(array.length) }

    /// Appends rows `rows` (0-based within the batch) to `builder`, whose schema is `schema.abi`.
    func append(rows: Range<Int>, to builder: RecordBatchBuilder) throws(ArrowError) {
        let parent = array
        let parentValidity = parent.null_count != 0 ? parent.buffers?[0]?.assumingMemoryBound(to: UInt8.self) : nil
        for (column, type) in schema.types.enumerated() {
            let child = parent.children[column]!.pointee
            let validity = child.null_count != 0 ? child.buffers?[0]?.assumingMemoryBound(to: UInt8.self) : nil
            let base = Int(parent.offset + child.offset)
            for row in rows {
                let index = base + row
                let structRow = Int(parent.offset) + row
                if type == .null || Self.isNull(validity, index) || Self.isNull(parentValidity, structRow) {
                    try builder.appendNull(column: column)
                    continue
                }
                try appendValue(type, child, index, row: row, column: column, to: builder)
            }
        }
    }

    private static func isNull(_ bitmap: UnsafePointer<UInt8>?, _ index: Int) -> Bool {
        guard let bitmap else { return false }
        return bitmap[index >> 3] & (1 << UInt8(index & 7)) == 0
    }

    private func appendValue(_ type: DriverColumnType, _ child: ArrowArray, _ index: Int, row: Int, column: Int,
                             to builder: RecordBatchBuilder) throws(ArrowError) {
        let values = child.buffers[1]!
        switch type {
        case .bool:
            try builder.append(bool: !Self.isNull(values.assumingMemoryBound(to: UInt8.self), index), column: column)
        case .signed(let width):
            let value: Int64 = switch width {
            case 1: Int64(values.load(fromByteOffset: index, as: Int8.self))
            case 2: Int64(values.loadUnaligned(fromByteOffset: index * 2, as: Int16.self))
            case 4: Int64(values.loadUnaligned(fromByteOffset: index * 4, as: Int32.self))
            default: values.loadUnaligned(fromByteOffset: index * 8, as: Int64.self)
            }
            try builder.append(int64: value, column: column)
        case .unsigned(let width):
            let value: UInt64 = switch width {
            case 1: UInt64(values.load(fromByteOffset: index, as: UInt8.self))
            case 2: UInt64(values.loadUnaligned(fromByteOffset: index * 2, as: UInt16.self))
            case 4: UInt64(values.loadUnaligned(fromByteOffset: index * 4, as: UInt32.self))
            default: values.loadUnaligned(fromByteOffset: index * 8, as: UInt64.self)
            }
            guard let signed = Int64(exactly: value) else {
                throw valueError(row, column, "holds the uint64 \(value), above int64's largest value; cast it to a decimal or text in the query")
            }
            try builder.append(int64: signed, column: column)
        case .float32:
            try builder.append(double: Double(values.loadUnaligned(fromByteOffset: index * 4, as: Float.self)), column: column)
        case .float64:
            try builder.append(double: values.loadUnaligned(fromByteOffset: index * 8, as: Double.self), column: column)
        case .text(let large), .bytes(let large):
            let (start, end) = large
                ? (Int(values.loadUnaligned(fromByteOffset: index * 8, as: Int64.self)), Int(values.loadUnaligned(fromByteOffset: (index + 1) * 8, as: Int64.self)))
                : (Int(values.loadUnaligned(fromByteOffset: index * 4, as: Int32.self)), Int(values.loadUnaligned(fromByteOffset: (index + 1) * 4, as: Int32.self)))
            guard start >= 0, end >= start else {
                throw ArrowError(.invalidArray, "column \"\(schema.names[column])\" of the driver's batch has decreasing offsets at row \(row + 1)")
            }
            let bytes = UnsafeRawBufferPointer(start: child.buffers[2]! + start, count: end - start)
            if case .text = type {
                try builder.append(utf8: bytes, column: column)
            } else {
                try builder.append(binary: bytes, column: column)
            }
        case .date32:
            try builder.append(date32: values.loadUnaligned(fromByteOffset: index * 4, as: Int32.self), column: column)
        case .date64:
            let millis = values.loadUnaligned(fromByteOffset: index * 8, as: Int64.self)
            let days = Self.floorDivide(millis, 86_400_000)
            guard let day = Int32(exactly: days) else {
                throw valueError(row, column, "holds a date64 of \(millis) ms, outside the date32 range")
            }
            try builder.append(date32: day, column: column)
        case .timestamp(let perSecond):
            let value = values.loadUnaligned(fromByteOffset: index * 8, as: Int64.self)
            let micros: Int64
            if perSecond <= 1_000_000 {
                let (product, overflow) = value.multipliedReportingOverflow(by: 1_000_000 / perSecond)
                guard !overflow else { throw valueError(row, column, "holds a timestamp too far from 1970 for microseconds") }
                micros = product
            } else {
                micros = Self.floorDivide(value, perSecond / 1_000_000)
            }
            try builder.append(timestampMicroseconds: micros, column: column)
        case .decimal128(_, let scale):
            let low = values.loadUnaligned(fromByteOffset: index * 16, as: UInt64.self)
            let high = values.loadUnaligned(fromByteOffset: index * 16 + 8, as: Int64.self)
            try builder.append(decimal128: ArrowDecimal(unscaled: Int128(high) << 64 | Int128(low), scale: scale), column: column)
        case .null:
            try builder.appendNull(column: column)
        }
    }

    private func valueError(_ row: Int, _ column: Int, _ detail: String) -> ArrowError {
        ArrowError(.badData, "row \(row + 1) of the driver's batch: column \"\(schema.names[column])\" \(detail)")
    }

    /// Division rounding toward negative infinity: 1969's instants stay in 1969.
    static func floorDivide(_ value: Int64, _ divisor: Int64) -> Int64 {
        let quotient = value / divisor
        return (value % divisor != 0 && value < 0) ? quotient - 1 : quotient
    }
}
