import ETLThrift

/// Reads one column chunk of one row group: fetches its bytes by offset and length, walks its
/// pages (dictionary, data v1, data v2), decompresses them and decodes levels and values.
/// Errors do not name the file, row group or column: the caller adds that.
public enum ColumnChunkReader {
    /// The supported value encodings, for messages.
    static let supportedEncodings = "PLAIN, PLAIN_DICTIONARY, RLE_DICTIONARY, RLE (booleans), DELTA_BINARY_PACKED, DELTA_LENGTH_BYTE_ARRAY, DELTA_BYTE_ARRAY, BYTE_STREAM_SPLIT"

    /// The chunk's metadata, physical type and codec, refusing what this reader cannot read.
    static func validate(_ chunk: ParquetColumnChunk, node: ParquetSchemaTree.Node)
        throws(ParquetReadError) -> (meta: ParquetColumnMetaData, type: ParquetPhysicalType, codec: ParquetCompressionCodec) {
        guard chunk.filePath == nil else {
            throw ParquetReadError(.unsupported, "the column chunk lives in another file (\(chunk.filePath ?? "")), which this reader does not follow")
        }
        guard !chunk.isEncrypted else { throw ParquetReadError(.unsupported, "the column is encrypted; encrypted Parquet is not supported") }
        guard let meta = chunk.metaData else { throw ParquetReadError(.corrupt, "the column chunk has no metadata") }
        guard let type = node.element.physicalType, meta.physicalTypeNumber == type.rawValue else {
            throw ParquetReadError(.corrupt, "the column chunk's type \(meta.physicalTypeNumber) differs from the schema's")
        }
        guard let codec = meta.codec else {
            throw ParquetReadError(.unsupported, "compression codec number \(meta.codecNumber) is unknown to this reader (snappy, zstd, gzip and uncompressed are supported)")
        }
        if [.lzo, .brotli, .lz4, .lz4Raw].contains(codec) {
            throw ParquetReadError(.unsupported, "compression codec \(PageDecompressor.codecName(codec)) is not supported (snappy, zstd, gzip and uncompressed are); rewrite the file with one of those")
        }
        guard meta.totalCompressedSize >= 0, meta.totalCompressedSize <= Int64(Int32.max) * 4, meta.numValues >= 0 else {
            throw ParquetReadError(.corrupt, "the column chunk claims \(meta.totalCompressedSize) compressed bytes and \(meta.numValues) values")
        }
        return (meta, type, codec)
    }

    /// The whole chunk decoded at once (nested columns, whose records may span pages).
    public static func read(_ file: any ParquetByteSource, chunk: ParquetColumnChunk, node: ParquetSchemaTree.Node) throws(ParquetReadError) -> DecodedColumnChunk {
        let (meta, type, codec) = try validate(chunk, node: node)
        let bytes = try file.read(offset: meta.firstPageOffset, length: Int(meta.totalCompressedSize))
        var state = PageState(type: type, typeLength: Int(node.element.typeLength ?? 0), codec: codec,
                              maxDefinition: node.maxDefinitionLevel, maxRepetition: node.maxRepetitionLevel, chunkValues: meta.numValues)
        var position = 0
        var pageNumber = 0
        while state.totalEntries < meta.numValues && position < bytes.count {
            let header: ParquetPageHeader
            do throws(ThriftDecodingError) {
                (header, position) = try ParquetPageHeader.decode(bytes, at: position)
            } catch {
                throw ParquetReadError(.corrupt, "page \(pageNumber)'s header is corrupt: \(error)")
            }
            let size = Int(header.compressedPageSize)
            guard size <= bytes.count - position else {
                throw ParquetReadError(.corrupt, "page \(pageNumber) claims \(size) bytes but the column chunk has \(bytes.count - position) left: the file is truncated or corrupt")
            }
            let body = bytes[position..<position + size]
            position += size
            do throws(ParquetReadError) {
                try state.decodePage(header, body)
            } catch {
                throw error.located("page \(pageNumber)")
            }
            pageNumber += 1
        }
        guard state.totalEntries == meta.numValues else {
            throw ParquetReadError(.corrupt, "the column chunk's pages hold \(state.totalEntries) values but its metadata says \(meta.numValues)")
        }
        return state.decoded
    }
}

/// What persists from page to page of one chunk: the dictionary and the decoded output (the
/// whole chunk's, or, read page by page, the current page's: see `takeDecoded`).
struct PageState {
    let type: ParquetPhysicalType
    let typeLength: Int
    let codec: ParquetCompressionCodec
    let maxDefinition: Int
    let maxRepetition: Int
    /// The values the chunk's metadata announces: no page may hold more than remain.
    let chunkValues: Int64
    var dictionary: ParquetValues?
    var decoded: DecodedColumnChunk
    /// Entries decoded from every page so far.
    var totalEntries = 0
    /// Dictionary-encoded pages keep their indices (`DecodedColumnChunk.dictionaryIndices`)
    /// instead of gathering values; only for reads that take each page's output on its own.
    var keepsDictionaryIndices = false

    init(type: ParquetPhysicalType, typeLength: Int, codec: ParquetCompressionCodec, maxDefinition: Int, maxRepetition: Int, chunkValues: Int64) {
        self.chunkValues = chunkValues
        self.type = type
        self.typeLength = typeLength
        self.codec = codec
        self.maxDefinition = maxDefinition
        self.maxRepetition = maxRepetition
        decoded = DecodedColumnChunk(values: .empty(type))
    }

    /// The entries decoded since the last call, leaving the output empty for the next page.
    mutating func takeDecoded() -> DecodedColumnChunk {
        defer { decoded = DecodedColumnChunk(values: .empty(type)) }
        return decoded
    }

    mutating func decodePage(_ header: ParquetPageHeader, _ body: ArraySlice<UInt8>) throws(ParquetReadError) {
        switch header.type {
        case .dictionaryPage:
            guard let dictionaryHeader = header.dictionaryPage else { throw ParquetReadError(.corrupt, "a dictionary page has no dictionary header") }
            let plain = try PageDecompressor.decompress(body, codec: codec, uncompressedSize: Int(header.uncompressedPageSize))
            var cursor = ByteCursor(plain)
            var values = ParquetValues.empty(type)
            try PlainDecoder.decode(&cursor, type: type, typeLength: typeLength, count: Int(dictionaryHeader.numValues), into: &values)
            dictionary = values
        case .dataPage:
            guard let page = header.dataPage else { throw ParquetReadError(.corrupt, "a data page has no data page header") }
            let plain = try PageDecompressor.decompress(body, codec: codec, uncompressedSize: Int(header.uncompressedPageSize))
            var cursor = ByteCursor(plain)
            let count = Int(page.numValues)
            try checkCount(count)
            let repetition = try levelsV1(&cursor, maximum: maxRepetition, count: count, encoding: page.repetitionLevelEncodingNumber, what: "repetition")
            let definition = try levelsV1(&cursor, maximum: maxDefinition, count: count, encoding: page.definitionLevelEncodingNumber, what: "definition")
            try finishPage(&cursor, count: count, definition: definition, repetition: repetition, encodingNumber: page.encodingNumber)
        case .dataPageV2:
            guard let page = header.dataPageV2 else { throw ParquetReadError(.corrupt, "a data page v2 has no v2 header") }
            let repetitionBytes = Int(page.repetitionLevelsByteLength), definitionBytes = Int(page.definitionLevelsByteLength)
            guard repetitionBytes >= 0, definitionBytes >= 0, repetitionBytes + definitionBytes <= body.count else {
                throw ParquetReadError(.corrupt, "a data page v2's level lengths exceed the page")
            }
            let count = Int(page.numValues)
            try checkCount(count)
            let levelBytes = Array(body.prefix(repetitionBytes + definitionBytes))
            var repetitionCursor = ByteCursor(levelBytes, from: 0, to: repetitionBytes)
            var definitionCursor = ByteCursor(levelBytes, from: repetitionBytes, to: repetitionBytes + definitionBytes)
            let repetition = maxRepetition == 0 ? [] :
                try RLEHybridDecoder.decode(&repetitionCursor, bitWidth: try Self.levelWidth(maxRepetition), count: count, as: Int16.self)
            let definition = maxDefinition == 0 ? [] :
                try RLEHybridDecoder.decode(&definitionCursor, bitWidth: try Self.levelWidth(maxDefinition), count: count, as: Int16.self)
            let valuesBody = body.dropFirst(repetitionBytes + definitionBytes)
            let valuesSize = Int(header.uncompressedPageSize) - repetitionBytes - definitionBytes
            let plain = page.isCompressed ? try PageDecompressor.decompress(valuesBody, codec: codec, uncompressedSize: valuesSize) : Array(valuesBody)
            var cursor = ByteCursor(plain)
            try finishPage(&cursor, count: count, definition: definition, repetition: repetition, encodingNumber: page.encodingNumber)
        case .indexPage, nil:
            break  // Index pages (and page types newer than this reader) carry no values.
        }
    }

    /// The bit width of levels up to `maximum`, which must fit the Int16 levels are kept in.
    private static func levelWidth(_ maximum: Int) throws(ParquetReadError) -> Int {
        guard maximum <= Int(Int16.max) else {
            throw ParquetReadError(.unsupported, "the column is nested \(maximum) levels deep; at most \(Int16.max) are supported")
        }
        return RLEHybridDecoder.bitWidth(forMaximum: maximum)
    }

    private func levelsV1(_ cursor: inout ByteCursor, maximum: Int, count: Int, encoding: Int32, what: String) throws(ParquetReadError) -> [Int16] {
        guard maximum > 0 else { return [] }
        let width = try Self.levelWidth(maximum)
        switch ParquetEncoding(rawValue: encoding) {
        case .rle:
            let length = Int(try cursor.littleEndian(4))
            try cursor.need(length, "the \(what) levels")
            var levels = ByteCursor(cursor.bytes, from: cursor.position, to: cursor.position + length)
            cursor.position += length
            return try RLEHybridDecoder.decode(&levels, bitWidth: width, count: count, as: Int16.self)
        case .bitPacked:
            return try RLEHybridDecoder.decodeBitPackedMSBFirst(&cursor, bitWidth: width, count: count).map { Int16(truncatingIfNeeded: $0) }
        default:
            throw ParquetReadError(.unsupported, "\(what) levels use encoding \(encoding), not RLE or BIT_PACKED")
        }
    }

    private func checkCount(_ count: Int) throws(ParquetReadError) {
        guard count >= 0, Int64(count) <= chunkValues - Int64(totalEntries) else {
            throw ParquetReadError(.corrupt, "a page claims \(count) values, but the column chunk has \(chunkValues - Int64(totalEntries)) left")
        }
    }

    private mutating func finishPage(_ cursor: inout ByteCursor, count: Int, definition: [Int16], repetition: [Int16], encodingNumber: Int32) throws(ParquetReadError) {
        var present = count
        if maxDefinition > 0 {
            // One branch-free pass counts the defined entries and finds the largest level.
            let maximum = Int16(maxDefinition)
            var largest: Int16 = 0
            present = 0
            for level in definition {
                largest = max(largest, level)
                present &+= level == maximum ? 1 : 0
            }
            guard largest <= maximum else { throw ParquetReadError(.corrupt, "a definition level \(largest) exceeds the column's maximum \(maxDefinition)") }
            if decoded.definitionLevels.isEmpty { decoded.definitionLevels = definition } else { decoded.definitionLevels.append(contentsOf: definition) }
        }
        if maxRepetition > 0 {
            for level in repetition where level > maxRepetition {
                throw ParquetReadError(.corrupt, "a repetition level \(level) exceeds the column's maximum \(maxRepetition)")
            }
            if decoded.repetitionLevels.isEmpty { decoded.repetitionLevels = repetition } else { decoded.repetitionLevels.append(contentsOf: repetition) }
        }
        decoded.entryCount += count
        totalEntries += count
        try decodeValues(&cursor, count: present, encodingNumber: encodingNumber)
    }

    private mutating func decodeValues(_ cursor: inout ByteCursor, count: Int, encodingNumber: Int32) throws(ParquetReadError) {
        guard let encoding = ParquetEncoding(rawValue: encodingNumber) else {
            throw ParquetReadError(.unsupported, "value encoding number \(encodingNumber) is unknown (supported: \(ColumnChunkReader.supportedEncodings))")
        }
        switch encoding {
        case .plain:
            try PlainDecoder.decode(&cursor, type: type, typeLength: typeLength, count: count, into: &decoded.values)
        case .plainDictionary, .rleDictionary:
            guard let dictionary else { throw ParquetReadError(.corrupt, "a dictionary-encoded page comes before any dictionary page") }
            let width = count == 0 && cursor.remaining == 0 ? 0 : Int(try cursor.byte())
            let indices = try RLEHybridDecoder.decode(&cursor, bitWidth: width, count: count)
            if keepsDictionaryIndices && count > 0 && decoded.values.count == 0 && decoded.dictionaryIndices == nil {
                // The largest index as unsigned (a negative one is huge), found without branches.
                var largest: UInt32 = 0
                for index in indices { largest = max(largest, UInt32(bitPattern: index)) }
                if largest >= UInt32(dictionary.count) {
                    throw ParquetReadError(.corrupt, "a dictionary index \(Int32(bitPattern: largest)) is outside the dictionary's \(dictionary.count) values")
                }
                decoded.values = dictionary
                decoded.dictionaryIndices = indices
            } else {
                try decoded.values.appendGathering(from: dictionary, indices: indices)
            }
        case .rle:
            guard type == .boolean else { throw ParquetReadError(.unsupported, "RLE value encoding is only defined for BOOLEAN columns, not \(type)") }
            let length = Int(try cursor.littleEndian(4))
            try cursor.need(length, "RLE booleans")
            var bits = ByteCursor(cursor.bytes, from: cursor.position, to: cursor.position + length)
            let decodedBits = try RLEHybridDecoder.decode(&bits, bitWidth: 1, count: count)
            guard case .boolean(var output) = decoded.values else { throw ParquetReadError(.corrupt, "booleans in a non-boolean column") }
            decoded.values = .int32([])
            output.append(contentsOf: decodedBits.lazy.map { $0 != 0 })
            decoded.values = .boolean(output)
        case .deltaBinaryPacked:
            let numbers = count == 0 && cursor.remaining == 0 ? [] : try DeltaBinaryPackedDecoder.decode(&cursor)
            guard numbers.count >= count else { throw ParquetReadError(.corrupt, "a DELTA_BINARY_PACKED page holds \(numbers.count) values, \(count) expected") }
            switch decoded.values {
            case .int32(var output):
                decoded.values = .boolean([])
                output.append(contentsOf: numbers.prefix(count).lazy.map { Int32(truncatingIfNeeded: $0) })
                decoded.values = .int32(output)
            case .int64(var output):
                decoded.values = .boolean([])
                output.append(contentsOf: numbers.prefix(count))
                decoded.values = .int64(output)
            default:
                throw ParquetReadError(.unsupported, "DELTA_BINARY_PACKED is only defined for INT32 and INT64 columns, not \(type)")
            }
        case .deltaLengthByteArray, .deltaByteArray:
            guard case .bytes(var output) = decoded.values else {
                throw ParquetReadError(.unsupported, "\(encoding == .deltaByteArray ? "DELTA_BYTE_ARRAY" : "DELTA_LENGTH_BYTE_ARRAY") is only defined for byte array columns, not \(type)")
            }
            decoded.values = .boolean([])
            if count > 0 || cursor.remaining > 0 {
                if encoding == .deltaByteArray {
                    try DeltaByteArrayDecoders.decodeIncremental(&cursor, count: count, into: &output)
                } else {
                    try DeltaByteArrayDecoders.decodeLengthPrefixed(&cursor, count: count, into: &output)
                }
            }
            decoded.values = .bytes(output)
        case .byteStreamSplit:
            try ByteStreamSplitDecoder.decode(&cursor, type: type, typeLength: typeLength, count: count, into: &decoded.values)
        case .bitPacked:
            throw ParquetReadError(.unsupported, "BIT_PACKED is a level encoding, not a value encoding")
        }
    }
}
