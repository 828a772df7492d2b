import ETLArrow
import ETLPluginKit

/// How an scd2 load dates its versions and treats keys it lacks, from the load request's
/// options (`valid_from_column`, `close_missing`; SDK/ABI.md, "Entry options the runtime
/// sends") — the sqlite sink's rules, with PostgreSQL's exact (case-sensitive) column names.
struct PGSCD2Options: Sendable, Equatable {
    /// The column whose value starts a version (and ends the one it replaces); nil: the load's
    /// start time (the transaction's timestamp).
    var validFromColumn: String?
    /// The load is a whole snapshot: current versions of keys it lacks are closed at commit.
    var closeMissing = false

    /// The columns scd2 adds to the target, with their types.
    static let historyColumns: [ArrowField] = [
        ArrowField(name: "_valid_from", type: .timestampMicrosecondsUTC),
        ArrowField(name: "_valid_to", type: .timestampMicrosecondsUTC),
        ArrowField(name: "_is_current", type: .bool),
    ]

    /// Reads the options of `request`, whose stored columns are `fields`.
    init(_ request: LoadRequest, fields: [ArrowField]) throws(PluginError) {
        let options = try request.options()
        let column = try options.optionalString("valid_from_column")
        closeMissing = try options.bool("close_missing", default: false)
        guard column != nil || closeMissing else { return }
        let target = PGIdentifier.quoted(request.target)
        guard request.writeMode == .scd2 else {
            throw .invalidConfig("valid_from_column and close_missing apply to write mode scd2 only, and the load into \(target) is \(request.writeMode); remove them from the entry")
        }
        guard let column else { return }
        guard let field = fields.first(where: { $0.name == column }) else {
            let list = fields.map { PGIdentifier.quoted($0.name) }.joined(separator: ", ")
            throw .invalidConfig("valid_from_column \(PGIdentifier.quoted(column)) of the scd2 load into \(target) is not among the load's columns (\(list)); fix valid_from_column or select the column")
        }
        guard field.type == .timestampMicrosecondsUTC || field.type == .date32 || field.type == .utf8 else {
            throw .invalidConfig("valid_from_column \(PGIdentifier.quoted(column)) of the scd2 load into \(target) holds \(field.type.displayName) values; it needs a timestamp, a date or timestamp text (cast it in the source's columns)")
        }
        validFromColumn = column
    }
}
