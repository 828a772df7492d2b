import ETLArrow

/// The `_etl_position` column of a read that asked for source positions (ABI 1.2,
/// `ETL_CAP_POSITIONS`): the last column of the stream's schema, utf8, holding for each row the
/// position the source would give `PluginHost.reportReject` for it (`"data.csv:17"`).
///
/// A source that declares `.positions` makes one per read and appends a position after the
/// row's other values:
///
/// ```swift
/// let positions = try SourcePositionColumn(request: request, streamSchema: columns)
/// let schema = positions?.schema ?? columns          // the producer's `schema`
/// ...
/// try positions?.append("\(path):\(line)", to: builder)
/// ```
///
/// `init` answers nil when the request does not ask, so the read's batches stay exactly as they
/// were (and cost nothing more). Keep the text identical to the reject's position: a user
/// compares the two to find a row.
public struct SourcePositionColumn: Sendable {
    /// The stream's columns followed by the position column: the schema `read`'s stream returns
    /// and every batch of it has.
    public let schema: ArrowSchemaDescription
    /// The position column's index in `schema` (after the stream's own columns).
    public let index: Int

    /// The column for a read of `streamSchema`, or nil when `request` does not ask for positions.
    /// - Throws: `ETL_INVALID_CONFIG` when the request's options cannot be read; `ETL_INTERNAL`
    ///   when the stream already has a column named `_etl_position` (the name is reserved).
    public init?(request: ReadRequest, streamSchema: ArrowSchemaDescription) throws(PluginError) {
        guard try request.wantsPositions else { return nil }
        try self.init(streamSchema: streamSchema)
    }

    /// The column appended to `streamSchema`, whatever the request says.
    /// - Throws: `ETL_INTERNAL` when the stream already has a column named `_etl_position`.
    public init(streamSchema: ArrowSchemaDescription) throws(PluginError) {
        let name = ReadRequest.positionColumnName
        guard !streamSchema.fields.contains(where: { $0.name == name }) else {
            throw .internalError("the stream already has a column named \"\(name)\", which is reserved for source positions; rename it in the source")
        }
        index = streamSchema.fields.count
        schema = ArrowSchemaDescription(fields: streamSchema.fields + [ArrowField(name: name, type: .utf8, nullable: false)])
    }

    /// Appends one row's position (after the row's other values, or before: columns fill in any order).
    public func append(_ position: String, to builder: RecordBatchBuilder) throws(ArrowError) {
        try builder.append(string: position, column: index)
    }

    /// Appends one row's position given as UTF-8 bytes, for a source that formats it into a
    /// buffer of its own rather than a `String`.
    public func append(utf8 position: UnsafeRawBufferPointer, to builder: RecordBatchBuilder) throws(ArrowError) {
        try builder.append(utf8: position, column: index)
    }
}
