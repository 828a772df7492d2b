import ETLArrow
import ETLThrift

/// A flat column chunk read page by page: each page is fetched (header, then body) by offset
/// when the rows before it are used up, so memory holds one page of each column rather than its
/// whole chunk. Errors name the file, row group and column (`location`).
final class ColumnPageStream {
    private let file: any ParquetByteSource
    private let node: ParquetSchemaTree.Node
    private let conversion: LeafConversion
    private let location: String
    private let meta: ParquetColumnMetaData
    private var state: PageState
    /// The next page's offset, and where the chunk ends.
    private var offset: Int64
    private let end: Int64
    private var pageNumber = 0
    /// The current page's entries, the next one to use, and how many of those before it are
    /// defined (the next defined value's ordinal).
    private var page: LeafColumnData?
    private var entry = 0
    private var ordinal = 0

    /// Bytes read at first for a page header; doubled while the header does not fit.
    private static let headerWindow = 512

    init(_ file: any ParquetByteSource, chunk: ParquetColumnChunk, node: ParquetSchemaTree.Node, conversion: LeafConversion,
         location: String) throws(ParquetReadError) {
        self.file = file
        self.node = node
        self.conversion = conversion
        self.location = location
        do throws(ParquetReadError) {
            let (meta, type, codec) = try ColumnChunkReader.validate(chunk, node: node)
            self.meta = meta
            state = PageState(type: type, typeLength: Int(node.element.typeLength ?? 0), codec: codec,
                              maxDefinition: node.maxDefinitionLevel, maxRepetition: node.maxRepetitionLevel, chunkValues: meta.numValues)
            offset = meta.firstPageOffset
            let (sum, overflow) = offset.addingReportingOverflow(meta.totalCompressedSize)
            guard offset >= 0, !overflow, sum <= file.size else {
                throw ParquetReadError(.corrupt, "the column chunk spans bytes \(offset)..<\(sum), beyond the file's \(file.size): the file is truncated or corrupt")
            }
            end = sum
            // Each page's output is taken on its own, so dictionary pages can keep their indices.
            state.keepsDictionaryIndices = true
        } catch {
            throw error.located(location)
        }
    }

    /// Appends the next `count` rows to `column` of `builder`.
    func append(_ count: Int, to builder: RecordBatchBuilder, column: Int) throws(ParquetReadError) {
        var left = count
        while left > 0 {
            let data = try current()
            let take = min(left, data.chunk.entryCount - entry)
            do throws(ParquetReadError) {
                try LeafColumnAppender.append(data, entries: entry..<entry + take, ordinal: &ordinal, to: builder, column: column)
            } catch {
                throw error.located(location)
            }
            entry += take
            left -= take
        }
    }

    /// Passes over the next `count` rows.
    func skip(_ count: Int) throws(ParquetReadError) {
        var left = count
        while left > 0 {
            let data = try current()
            let take = min(left, data.chunk.entryCount - entry)
            ordinal += data.definedCount(entry..<entry + take)
            entry += take
            left -= take
        }
    }

    /// The next row's value for cursor comparisons; nil when null or not comparable.
    func peekComparable() throws(ParquetReadError) -> ParquetComparable? {
        let data = try current()
        guard data.definition(entry) == data.maxDefinition else { return nil }
        return data.reader.comparable(data.value(atOrdinal: ordinal))
    }

    /// The page holding the next row, reading pages until one has entries.
    private func current() throws(ParquetReadError) -> LeafColumnData {
        if let page, entry < page.chunk.entryCount { return page }
        do throws(ParquetReadError) {
            while true {
                guard state.totalEntries < meta.numValues, offset < end else {
                    throw ParquetReadError(.corrupt, "the column holds \(state.totalEntries) values, fewer than the row group's rows")
                }
                try readPage()
                if state.decoded.entryCount > 0 {
                    let decoded = state.takeDecoded()
                    let data = LeafColumnData(chunk: decoded, maxDefinition: node.maxDefinitionLevel, maxRepetition: node.maxRepetitionLevel,
                                              reader: LeafValueReader(conversion: conversion, values: decoded.values, path: "\"\(node.path.joined(separator: "."))\""),
                                              sequential: true)
                    page = data
                    entry = 0
                    ordinal = 0
                    return data
                }
            }
        } catch {
            throw error.located(location)
        }
    }

    /// Reads and decodes the page at `offset` (a dictionary page updates the dictionary).
    private func readPage() throws(ParquetReadError) {
        let left = Int(end - offset)
        var window = min(left, Self.headerWindow)
        var bytes: [UInt8]
        var header: ParquetPageHeader
        var headerLength: Int
        while true {
            bytes = try file.read(offset: offset, length: window)
            do throws(ThriftDecodingError) {
                (header, headerLength) = try ParquetPageHeader.decode(bytes, at: 0)
                break
            } catch {
                // A header larger than the window (big statistics) reads again with more bytes.
                guard window < left else { throw ParquetReadError(.corrupt, "page \(pageNumber)'s header is corrupt: \(error)") }
                window = min(left, window * 4)
            }
        }
        let size = Int(header.compressedPageSize)
        guard size <= left - headerLength else {
            throw ParquetReadError(.corrupt, "page \(pageNumber) claims \(size) bytes but the column chunk has \(left - headerLength) left: the file is truncated or corrupt")
        }
        let body: ArraySlice<UInt8>
        if headerLength + size <= bytes.count {
            body = bytes[headerLength..<headerLength + size]
        } else {
            body = try file.read(offset: offset + Int64(headerLength), length: size)[...]
        }
        offset += Int64(headerLength + size)
        do throws(ParquetReadError) {
            try state.decodePage(header, body)
        } catch {
            throw error.located("page \(pageNumber)")
        }
        pageNumber += 1
    }
}
