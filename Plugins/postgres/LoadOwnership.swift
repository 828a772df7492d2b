import ETLPluginKit

/// Which etl-runtime project runs a load, read from the request's `options_json`:
/// `{"state_owner": "a3f1…", "take_ownership": true}` (see SDK/ABI.md). The same rules as the
/// sqlite sink's: two projects (two state databases) loading one target would each load
/// everything, so the owner of every committed state is recorded and another owner's target or
/// entry id is refused.
struct LoadOwnership: Sendable, Equatable {
    /// The id of the running project's state database; nil when the runtime sends none.
    var stateOwner: String?
    /// `run --take-ownership`: load even what another project owns, and become its owner.
    var takeOwnership: Bool

    init(_ options: PluginConfig) throws(PluginError) {
        stateOwner = try options.optionalString("state_owner")
        if stateOwner?.isEmpty == true {
            throw .invalidConfig("\(options.path).state_owner is empty: the runtime must send the id of its state database, or leave the key out")
        }
        takeOwnership = try options.bool("take_ownership", default: false)
    }
}
