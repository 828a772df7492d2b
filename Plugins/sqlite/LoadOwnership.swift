import ETLPluginKit

/// Which etl-runtime project runs a load, read from the request's `options_json`:
/// `{"state_owner": "a3f1…", "take_ownership": true}` (see SDK/ABI.md).
///
/// Two projects (two state databases) loading one target would each believe they start from
/// scratch and load everything, so the sink records the owner of every committed state and
/// refuses a load whose target or entry id another owner holds.
struct LoadOwnership: Sendable, Equatable {
    /// The random id of the running project's state database; nil when the runtime sends none
    /// (an older runtime): then nothing is checked and the rows keep the owner they have.
    var stateOwner: String?
    /// The user ran `etl-runtime run --take-ownership`: load even what another project owns,
    /// and make this project the owner.
    var takeOwnership: Bool

    /// Reads the two keys, ignoring the entry settings meant for other parts of the sink.
    init(_ options: PluginConfig) throws(PluginError) {
        stateOwner = try options.optionalString("state_owner")
        if stateOwner?.isEmpty == true {
            throw .invalidConfig("\(options.path).state_owner is empty: the runtime must send the id of its state database, or leave the key out")
        }
        takeOwnership = try options.bool("take_ownership", default: false)
    }
}
