import ETLThrift

/// A Parquet metadata struct decoded from its Thrift compact encoding.
protocol ThriftDecodable {
    init(thrift reader: inout ThriftCompactReader) throws(ThriftDecodingError)
}

extension ThriftCompactReader {
    /// Decodes one struct of type `T`.
    mutating func read<T: ThriftDecodable>(_ type: T.Type) throws(ThriftDecodingError) -> T {
        try T(thrift: &self)
    }

    /// Decodes a list of structs.
    mutating func readStructList<T: ThriftDecodable>(_ type: T.Type) throws(ThriftDecodingError) -> [T] {
        try readList(of: .struct) { (reader: inout ThriftCompactReader) throws(ThriftDecodingError) -> T in try T(thrift: &reader) }
    }

    /// Walks a struct's fields, handing each to `body`, which returns false for fields it skips.
    mutating func readFields(_ body: (inout ThriftCompactReader, Int16, ThriftCompactType) throws(ThriftDecodingError) -> Bool) throws(ThriftDecodingError) {
        try beginStruct()
        while let field = try nextField() {
            if try !body(&self, field.id, field.type) { try skip(field.type) }
        }
        endStruct()
    }

    /// The error for a required field the struct lacked.
    func missing(_ field: String, in structName: String) -> ThriftDecodingError {
        ThriftDecodingError("\(structName) has no \(field), a required field", offset: position)
    }
}
