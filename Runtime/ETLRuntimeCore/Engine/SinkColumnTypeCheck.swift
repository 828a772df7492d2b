import ETLArrow

/// Decimal128 columns reach only sinks built for ABI 1.2 or later: a sink built against an older
/// header was written before decimals could arrive, and its code would meet a format it never
/// handled (a Swift kit of that age refuses the schema; a C sink may read the 16-byte values as
/// something else). The run refuses before the sink begins, and `validate` and `run --dry-run`
/// say the same when they know the columns (also of an entry without transforms), so the user
/// casts the column instead.
package enum SinkColumnTypeCheck {
    /// The first column `sink` cannot receive, as a configuration error at the entry's `sink`; nil
    /// when it can receive them all.
    package static func problem(_ schema: ArrowSchemaDescription, sink: LoadedPlugin, sinkName: String, entry: ControlEntry) -> TransformError? {
        guard refusesDecimals(sink), let field = schema.fields.first(where: { $0.type.isDecimal }) else { return nil }
        return TransformError(
            "\(entry.jsonPath).sink",
            "sink \"\(sinkName)\" (plugin \"\(sink.info.name)\", built for ABI \(sink.info.abiVersion)) cannot receive column \"\(field.name)\", "
                + "a \(field.type.displayName): decimal columns need a sink built for ABI 1.2 or later. Cast the column to \"double\" "
                + "(or \"string\" for its exact digits) in the entry's transforms, or rebuild the plugin against etl_plugin.h 1.2")
    }

    /// Whether `sink` was built before decimals could arrive (ABI 1.2), so that even an entry
    /// without transforms has column types to check.
    package static func refusesDecimals(_ sink: LoadedPlugin) -> Bool { !sink.builtForABI(minor: 2) }

    /// The note for an entry without transforms whose stream's columns cannot be learnt now
    /// (`why`), going to `sink`, which refuses decimal columns: the run checks them when it opens
    /// the stream, before the sink begins. At the entry's `sink`, where the refusal would be.
    package static func deferredNote(_ entry: ControlEntry, sink: LoadedPlugin, why: String, file: String) -> ManifestIssue {
        ManifestIssue(
            file: file, line: entry.line, jsonPath: "\(entry.jsonPath).sink",
            message: "note: column types checked when run opens the stream, not now: sink \"\(entry.sink)\" (plugin \"\(sink.info.name)\", "
                + "built for ABI \(sink.info.abiVersion)) cannot receive decimal columns, and \(why)")
    }
}
