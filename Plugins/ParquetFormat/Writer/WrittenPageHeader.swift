import ETLThrift

/// parquet.thrift's `PageHeader` for the two page kinds the writer emits.
struct WrittenPageHeader: Sendable, Equatable {
    enum Kind: Sendable, Equatable {
        /// A v1 data page; levels are RLE-encoded (repetition levels are absent: flat schema).
        case data(numValues: Int32, encoding: ParquetEncoding)
        /// The column chunk's dictionary, PLAIN-encoded.
        case dictionary(numValues: Int32)
    }

    var kind: Kind
    var uncompressedSize: Int32
    var compressedSize: Int32

    func encoded() -> [UInt8] {
        var writer = ThriftCompactWriter()
        writer.writeStruct { header in
            switch kind {
            case .data(let numValues, let encoding):
                header.writeField(1, i32: ParquetPageType.dataPage.rawValue)
                header.writeField(2, i32: uncompressedSize)
                header.writeField(3, i32: compressedSize)
                header.writeField(5) { page in
                    page.writeField(1, i32: numValues)
                    page.writeField(2, i32: encoding.rawValue)
                    page.writeField(3, i32: ParquetEncoding.rle.rawValue)
                    page.writeField(4, i32: ParquetEncoding.rle.rawValue)
                }
            case .dictionary(let numValues):
                header.writeField(1, i32: ParquetPageType.dictionaryPage.rawValue)
                header.writeField(2, i32: uncompressedSize)
                header.writeField(3, i32: compressedSize)
                header.writeField(7) { page in
                    page.writeField(1, i32: numValues)
                    page.writeField(2, i32: ParquetEncoding.plain.rawValue)
                }
            }
        }
        return writer.bytes
    }
}
