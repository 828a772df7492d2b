import ETLArrow

/// One column of the row group being built: values become pages as they arrive (so memory holds
/// the row group's compressed pages, not its values), and `finish` puts the dictionary page first.
///
/// Columns other than booleans start dictionary-encoded. The dictionary is dropped after the first
/// page when it does not make that page smaller than PLAIN would (unique ids, measurements); once
/// it outgrows `dictionaryBytes`, the pages already written keep it and the rest of the chunk is PLAIN.
struct ColumnChunkBuilder {
    /// What the chunk's pages and metadata hold once finished.
    struct Chunk {
        var bytes: [UInt8]
        /// Offsets within `bytes`.
        var dictionaryPageOffset: Int?
        var dataPageOffset: Int
        var uncompressedSize: Int
        var encodings: [ParquetEncoding]
        var numValues: Int
        var statistics: WrittenStatistics
    }

    private enum DictionaryState {
        /// Values go to the dictionary; the first page has not shown whether it pays.
        case trial
        /// Values go to the dictionary.
        case kept
        /// PLAIN pages only, from now on.
        case off
    }

    let plan: ParquetColumnPlan
    private let options: ParquetWriterOptions

    // The open page.
    private var levels: [UInt32] = []
    private var plain: [UInt8] = []
    private var bools: [Bool] = []
    private var indices: [UInt32] = []
    private var pageValueBytes = 0

    // The chunk's dictionary.
    private var dictionaryState: DictionaryState
    private var byteArrayDictionaryIndex = ByteArrayDictionaryIndex()
    /// Fixed-width values (integers, double bit patterns, decimals) by value, which spares an allocation per lookup.
    private var fixedDictionaryIndex: [Int128: UInt32] = [:]
    private var dictionaryPlain: [UInt8] = []
    private var dictionaryCount: UInt32 = 0

    // The chunk's data pages so far.
    private var pages: [UInt8] = []
    private var pagesUncompressedSize = 0
    private var usedEncodings: Set<ParquetEncoding> = [.rle]
    private var statistics = ColumnStatistics()
    private(set) var valueCount = 0

    init(plan: ParquetColumnPlan, options: ParquetWriterOptions) {
        self.plan = plan
        self.options = options
        dictionaryState = plan.prefersDictionary ? .trial : .off
    }

    /// Adds `rows` of `column` (the column's type is the plan's).
    mutating func append(_ column: ImportedColumn, rows: some Sequence<Int>) throws(ParquetWriteError) {
        for row in rows {
            valueCount += 1
            if column.isNull(row) {
                levels.append(0)
                statistics.addNull()
            } else {
                levels.append(1)
                appendValue(column, row)
            }
            if levels.count >= options.pageValues || pageValueBytes >= options.pageBytes { try closePage() }
        }
    }

    private mutating func appendValue(_ column: ImportedColumn, _ row: Int) {
        switch plan.arrowType {
        case .bool:
            let value = column.bool(row)
            bools.append(value)
            statistics.add(integer: value ? 1 : 0)
            pageValueBytes += 1
        case .int64:
            appendFixed(column.int64(row))
            statistics.add(integer: Int128(column.int64(row)))
        case .timestampMicrosecondsUTC:
            appendFixed(column.timestampMicroseconds(row))
            statistics.add(integer: Int128(column.timestampMicroseconds(row)))
        case .date32:
            appendFixed(column.date32(row))
            statistics.add(integer: Int128(column.date32(row)))
        case .double:
            let value = column.double(row)
            appendFixed(value.bitPattern)
            statistics.add(double: value)
        case .decimal128:
            let unscaled = column.decimal128(row).unscaled
            statistics.add(integer: unscaled)
            switch plan.physicalType {
            case .int32: appendFixed(Int32(truncatingIfNeeded: unscaled))
            case .int64: appendFixed(Int64(truncatingIfNeeded: unscaled))
            default:
                appendFixedLength(unscaled)
            }
        case .utf8, .binary:
            let bytes = column.bytes(row)
            statistics.add(bytes: bytes)
            appendByteArray(bytes)
        case .null:
            // A null column's rows are all null: `isNull` is always true, so nothing reaches here.
            break
        }
    }

    private mutating func appendFixed<T: FixedWidthInteger>(_ value: T) {
        if dictionaryState != .off {
            indices.append(fixedDictionaryEntry(Int128(truncatingIfNeeded: value)) { dictionary in
                withUnsafeBytes(of: value.littleEndian) { dictionary.append(contentsOf: $0) }
            })
            // PLAIN bytes are only needed while the dictionary is on trial.
            if dictionaryState == .kept {
                pageValueBytes += 4
                return
            }
        }
        withUnsafeBytes(of: value.littleEndian) { plain.append(contentsOf: $0) }
        pageValueBytes += MemoryLayout<T>.size
    }

    /// A decimal as FIXED_LEN_BYTE_ARRAY (big-endian, `plan.fixedLength` bytes).
    private mutating func appendFixedLength(_ unscaled: Int128) {
        let length = plan.fixedLength ?? 16
        if dictionaryState != .off {
            indices.append(fixedDictionaryEntry(unscaled) { $0.append(contentsOf: DecimalBytes.bigEndian(unscaled, length: length)) })
            if dictionaryState == .kept {
                pageValueBytes += 4
                return
            }
        }
        plain.append(contentsOf: DecimalBytes.bigEndian(unscaled, length: length))
        pageValueBytes += length
    }

    /// The dictionary index of a fixed-width value; `encode` appends its PLAIN form to the dictionary when it is new.
    private mutating func fixedDictionaryEntry(_ key: Int128, encode: (inout [UInt8]) -> Void) -> UInt32 {
        if let index = fixedDictionaryIndex[key] { return index }
        let index = dictionaryCount
        fixedDictionaryIndex[key] = index
        dictionaryCount += 1
        encode(&dictionaryPlain)
        return index
    }

    private mutating func appendByteArray(_ bytes: UnsafeRawBufferPointer) {
        if dictionaryState == .kept {
            // PLAIN bytes are only needed while the dictionary is on trial.
            indices.append(dictionaryEntry(bytes))
            pageValueBytes += 4
        } else {
            if dictionaryState == .trial { indices.append(dictionaryEntry(bytes)) }
            withUnsafeBytes(of: UInt32(bytes.count).littleEndian) { plain.append(contentsOf: $0) }
            plain.append(contentsOf: bytes)
            pageValueBytes += 4 + bytes.count
        }
    }

    private mutating func dictionaryEntry(_ bytes: UnsafeRawBufferPointer) -> UInt32 {
        let index = byteArrayDictionaryIndex.entry(for: bytes, page: &dictionaryPlain)
        dictionaryCount = UInt32(byteArrayDictionaryIndex.count)
        return index
    }

    /// Writes the open page out (compressed) and starts a new one.
    private mutating func closePage() throws(ParquetWriteError) {
        guard !levels.isEmpty else { return }
        var levelBytes = RLEHybridEncoder.encode(levels, bitWidth: 1)
        var body: [UInt8] = []
        body.reserveCapacity(4 + levelBytes.count + max(plain.count, indices.count))
        withUnsafeBytes(of: UInt32(levelBytes.count).littleEndian) { body.append(contentsOf: $0) }
        body.append(contentsOf: levelBytes)
        levelBytes = []

        let encoding: ParquetEncoding
        // A page of nulls only says nothing about whether a dictionary pays: the trial goes on.
        if dictionaryState == .trial && !indices.isEmpty {
            let indexBytes = 1 + (indices.count * RLEHybridEncoder.bitWidth(forMaximum: max(dictionaryCount, 1) - 1) + 7) / 8
            dictionaryState = dictionaryPlain.count + indexBytes < plain.count ? .kept : .off
            if dictionaryState == .off {
                byteArrayDictionaryIndex = ByteArrayDictionaryIndex()
                fixedDictionaryIndex = [:]
                dictionaryPlain = []
                dictionaryCount = 0
            }
        }
        if dictionaryState == .kept {
            let bitWidth = RLEHybridEncoder.bitWidth(forMaximum: max(dictionaryCount, 1) - 1)
            body.append(UInt8(bitWidth))
            body.append(contentsOf: RLEHybridEncoder.encode(indices, bitWidth: bitWidth))
            encoding = .rleDictionary
        } else {
            if plan.physicalType == .boolean { body.append(contentsOf: Self.packBits(bools)) } else { body.append(contentsOf: plain) }
            encoding = .plain
        }
        try appendPage(body: body, kind: .data(numValues: Int32(levels.count), encoding: encoding), to: &pages,
                       uncompressedTotal: &pagesUncompressedSize)
        usedEncodings.insert(encoding)

        levels.removeAll(keepingCapacity: true)
        plain.removeAll(keepingCapacity: true)
        bools.removeAll(keepingCapacity: true)
        indices.removeAll(keepingCapacity: true)
        pageValueBytes = 0
        // A dictionary that grew too big stays for the pages that use it; the rest is PLAIN.
        if dictionaryState == .kept && dictionaryPlain.count > options.dictionaryBytes { dictionaryState = .off }
    }

    private func appendPage(body: [UInt8], kind: WrittenPageHeader.Kind, to output: inout [UInt8],
                            uncompressedTotal: inout Int) throws(ParquetWriteError) {
        guard body.count <= Int(Int32.max) else {
            throw ParquetWriteError(.badData, "column '\(plan.name)': a page of \(body.count) bytes exceeds Parquet's 2 GiB page limit; lower row_group_rows")
        }
        let compressed = try options.compression.compress(body)
        let header = WrittenPageHeader(kind: kind, uncompressedSize: Int32(body.count), compressedSize: Int32(compressed.count)).encoded()
        output.append(contentsOf: header)
        output.append(contentsOf: compressed)
        uncompressedTotal += header.count + body.count
    }

    /// Closes the last page and returns the chunk: dictionary page (if any data page used it) first.
    mutating func finish() throws(ParquetWriteError) -> Chunk {
        try closePage()
        var bytes: [UInt8] = []
        var uncompressed = 0
        var dictionaryOffset: Int?
        var encodings = usedEncodings
        if usedEncodings.contains(.rleDictionary) {
            dictionaryOffset = 0
            try appendPage(body: dictionaryPlain, kind: .dictionary(numValues: Int32(dictionaryCount)), to: &bytes,
                           uncompressedTotal: &uncompressed)
            encodings.insert(.plain)
        }
        let dataOffset = bytes.count
        bytes.append(contentsOf: pages)
        uncompressed += pagesUncompressedSize
        let ordered: [ParquetEncoding] = [.plain, .rle, .rleDictionary].filter { encodings.contains($0) }
        return Chunk(bytes: bytes, dictionaryPageOffset: dictionaryOffset, dataPageOffset: dataOffset,
                     uncompressedSize: uncompressed, encodings: ordered, numValues: valueCount,
                     statistics: statistics.written(for: plan))
    }

    /// Bytes the builder holds (pages written and the open page), for memory accounting.
    var bufferedBytes: Int { pages.count + plain.count + indices.count * 4 + levels.count * 4 + dictionaryPlain.count }

    /// PLAIN booleans: one bit each, least significant bit first.
    private static func packBits(_ values: [Bool]) -> [UInt8] {
        var bytes = [UInt8](repeating: 0, count: (values.count + 7) / 8)
        for (index, value) in values.enumerated() where value { bytes[index >> 3] |= 1 << UInt8(index & 7) }
        return bytes
    }
}
