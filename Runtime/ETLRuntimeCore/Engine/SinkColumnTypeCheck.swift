import ETLArrow

/// Decimal128 columns reach only sinks built for ABI 1.2 or later: a sink built against an older
/// header was written before decimals could arrive, and its code would meet a format it never
/// handled (a Swift kit of that age refuses the schema; a C sink may read the 16-byte values as
/// something else). The run refuses before the sink begins, and `validate` says the same when it
/// knows the columns, so the user casts the column instead.
package enum SinkColumnTypeCheck {
    /// The first column `sink` cannot receive, as a configuration error at the entry's `sink`; nil
    /// when it can receive them all.
    package static func problem(_ schema: ArrowSchemaDescription, sink: LoadedPlugin, sinkName: String, entry: ControlEntry) -> TransformError? {
        guard !sink.builtForABI(minor: 2), let field = schema.fields.first(where: { $0.type.isDecimal }) else { return nil }
        return TransformError(
            "\(entry.jsonPath).sink",
            "sink \"\(sinkName)\" (plugin \"\(sink.info.name)\", built for ABI \(sink.info.abiVersion)) cannot receive column \"\(field.name)\", "
                + "a \(field.type.displayName): decimal columns need a sink built for ABI 1.2 or later. Cast the column to \"double\" "
                + "(or \"string\" for its exact digits) in the entry's transforms, or rebuild the plugin against etl_plugin.h 1.2")
    }
}
