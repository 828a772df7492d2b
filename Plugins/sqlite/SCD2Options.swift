import ETLArrow
import ETLPluginKit

/// How an scd2 load dates its versions and treats keys it lacks, from the load request's
/// options (`valid_from_column`, `close_missing`; see SDK/ABI.md, "Entry options the runtime
/// sends").
struct SCD2Options: Sendable, Equatable {
    /// The batch column whose value starts a version (and ends the one it replaces); nil: the
    /// load's start time.
    var validFromColumn: Int?
    /// The load is a whole snapshot: current versions of keys it lacks are closed at commit.
    var closeMissing = false

    /// Reads the options of `request`, whose batch columns are `names`.
    init(_ request: LoadRequest, names: [String]) throws(PluginError) {
        let options = try request.options()
        let column = try options.optionalString("valid_from_column")
        closeMissing = try options.bool("close_missing", default: false)
        guard column != nil || closeMissing else { return }
        let target = SQLIdentifier.quoted(request.target)
        guard request.writeMode == .scd2 else {
            throw .invalidConfig("valid_from_column and close_missing apply to write mode scd2 only, and the load into \(target) is \(request.writeMode); remove them from the entry")
        }
        guard let column else { return }
        guard let index = names.firstIndex(where: { SQLIdentifier.folded($0) == SQLIdentifier.folded(column) }) else {
            let list = names.map(SQLIdentifier.quoted).joined(separator: ", ")
            throw .invalidConfig("valid_from_column \(SQLIdentifier.quoted(column)) of the scd2 load into \(target) is not among the load's columns (\(list)); fix valid_from_column or select the column")
        }
        let type = request.schema.fields[index].type
        guard type == .timestampMicrosecondsUTC || type == .date32 || type == .utf8 else {
            throw .invalidConfig("valid_from_column \(SQLIdentifier.quoted(column)) of the scd2 load into \(target) holds \(type.displayName) values; it needs a timestamp, a date or timestamp text (cast it in the source's columns)")
        }
        validFromColumn = index
    }
}
