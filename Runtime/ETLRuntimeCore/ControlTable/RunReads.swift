import ETLJSON

/// What one run read, as `etl_runs.reads` stores it: a JSON array of strings, NULL when unknown.
///
/// For a SQL model, the tables and views its query read inside its sink, as the sink reported
/// them (`run_model`'s `out_reads_json`); for an entry with a source, one `source:stream` (the
/// manifest's names), so `history` says where every run's rows came from. Stored in the form the
/// history shows (secrets redacted), like the errors.
package enum RunReads {
    /// The column's text for `reads`.
    package static func stored(_ reads: [String]) -> String {
        JSONValue.array(reads.map { .string($0) }).serialized()
    }

    /// The names in a stored `reads`, nil for NULL or text that is not an array of strings (a
    /// file edited by hand: shown as unknown rather than refused).
    package static func parse(_ text: String?) -> [String]? {
        guard let text, let array = (try? JSONValue(parsing: text))?.arrayValue else { return nil }
        let names = array.compactMap(\.stringValue)
        return names.count == array.count ? names : nil
    }

    /// What an entry with a source reads: its source and stream, as the manifest names them.
    package static func source(_ source: String, stream: String) -> String {
        "\(source):\(stream)"
    }
}
