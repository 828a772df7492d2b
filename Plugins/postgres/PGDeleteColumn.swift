import ETLArrow
import ETLPluginKit

/// The load option `delete_column` (ETL_CAP_DELETES, SDK/ABI.md "ABI 1.2: deletes"): the batches
/// of a merge or scd2 load carry a bool column last whose true rows delete their key (merge) or
/// close its current version (scd2) instead of being stored. The flag is never a target column:
/// it is copied into the staging table only.
enum PGDeleteColumn {
    /// The flag's batch column, or nil when the load asks for no deletes.
    static func index(of request: LoadRequest) throws(PluginError) -> Int? {
        guard let name = try request.options().optionalString(LoadRequest.deleteColumnKey) else { return nil }
        let target = PGIdentifier.quoted(request.target)
        guard request.writeMode == .merge || request.writeMode == .scd2 else {
            throw .invalidConfig("options.\(LoadRequest.deleteColumnKey) applies to merge and scd2 loads only, and the load into \(target) is \(request.writeMode); send it with write mode merge or scd2 only")
        }
        guard let last = request.schema.fields.last, last.name == name else {
            let found = request.schema.fields.last.map { "it is \(PGIdentifier.quoted($0.name))" } ?? "the load has no columns"
            throw .invalidConfig("options.\(LoadRequest.deleteColumnKey) \(PGIdentifier.quoted(name)) must be the last column of the load into \(target), and \(found); the host must append the flag column last")
        }
        guard last.type == .bool else {
            throw .invalidConfig("options.\(LoadRequest.deleteColumnKey) \(PGIdentifier.quoted(name)) of the load into \(target) holds \(last.type.displayName) values; the delete flag must be a bool column")
        }
        return request.schema.fields.count - 1
    }
}
