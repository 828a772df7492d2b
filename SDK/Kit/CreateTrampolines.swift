import CETLPlugin

/// The `create` function of `etl_source_api` / `etl_sink_api`, as Swift sees it.
typealias CreateFunction = @convention(c) (
    UnsafePointer<etl_host_api>?, OpaquePointer?, UnsafePointer<CChar>?,
    UnsafeMutablePointer<UnsafeMutableRawPointer?>?, UnsafeMutablePointer<etl_error>?
) -> etl_status

/// One distinct C `create` function per registered plugin type.
///
/// Why a fixed pool: `create` receives no descriptor or context argument, so each plugin needs its
/// own C function to know which Swift type to instantiate, and a C function pointer cannot capture
/// a generic type or a value. Each closure below captures nothing but a literal slot number; the
/// slot indexes `PluginRegistry`'s table of registered types. 32 slots per library (per copy of
/// the kit) is far more plugins than one library holds; `PluginLibrary.entry` refuses more with a
/// clear message.
enum CreateTrampolines {
    /// How many plugin types one copy of the kit can register.
    static let count = 32

    /// The C `create` function bound to `slot` (0 ..< count).
    static func function(forSlot slot: Int) -> CreateFunction? {
        switch slot {
        case 0: return { InstanceBridge.create(slot: 0, host: $0, hostInstance: $1, configJSON: $2, outInstance: $3, error: $4) }
        case 1: return { InstanceBridge.create(slot: 1, host: $0, hostInstance: $1, configJSON: $2, outInstance: $3, error: $4) }
        case 2: return { InstanceBridge.create(slot: 2, host: $0, hostInstance: $1, configJSON: $2, outInstance: $3, error: $4) }
        case 3: return { InstanceBridge.create(slot: 3, host: $0, hostInstance: $1, configJSON: $2, outInstance: $3, error: $4) }
        case 4: return { InstanceBridge.create(slot: 4, host: $0, hostInstance: $1, configJSON: $2, outInstance: $3, error: $4) }
        case 5: return { InstanceBridge.create(slot: 5, host: $0, hostInstance: $1, configJSON: $2, outInstance: $3, error: $4) }
        case 6: return { InstanceBridge.create(slot: 6, host: $0, hostInstance: $1, configJSON: $2, outInstance: $3, error: $4) }
        case 7: return { InstanceBridge.create(slot: 7, host: $0, hostInstance: $1, configJSON: $2, outInstance: $3, error: $4) }
        case 8: return { InstanceBridge.create(slot: 8, host: $0, hostInstance: $1, configJSON: $2, outInstance: $3, error: $4) }
        case 9: return { InstanceBridge.create(slot: 9, host: $0, hostInstance: $1, configJSON: $2, outInstance: $3, error: $4) }
        case 10: return { InstanceBridge.create(slot: 10, host: $0, hostInstance: $1, configJSON: $2, outInstance: $3, error: $4) }
        case 11: return { InstanceBridge.create(slot: 11, host: $0, hostInstance: $1, configJSON: $2, outInstance: $3, error: $4) }
        case 12: return { InstanceBridge.create(slot: 12, host: $0, hostInstance: $1, configJSON: $2, outInstance: $3, error: $4) }
        case 13: return { InstanceBridge.create(slot: 13, host: $0, hostInstance: $1, configJSON: $2, outInstance: $3, error: $4) }
        case 14: return { InstanceBridge.create(slot: 14, host: $0, hostInstance: $1, configJSON: $2, outInstance: $3, error: $4) }
        case 15: return { InstanceBridge.create(slot: 15, host: $0, hostInstance: $1, configJSON: $2, outInstance: $3, error: $4) }
        case 16: return { InstanceBridge.create(slot: 16, host: $0, hostInstance: $1, configJSON: $2, outInstance: $3, error: $4) }
        case 17: return { InstanceBridge.create(slot: 17, host: $0, hostInstance: $1, configJSON: $2, outInstance: $3, error: $4) }
        case 18: return { InstanceBridge.create(slot: 18, host: $0, hostInstance: $1, configJSON: $2, outInstance: $3, error: $4) }
        case 19: return { InstanceBridge.create(slot: 19, host: $0, hostInstance: $1, configJSON: $2, outInstance: $3, error: $4) }
        case 20: return { InstanceBridge.create(slot: 20, host: $0, hostInstance: $1, configJSON: $2, outInstance: $3, error: $4) }
        case 21: return { InstanceBridge.create(slot: 21, host: $0, hostInstance: $1, configJSON: $2, outInstance: $3, error: $4) }
        case 22: return { InstanceBridge.create(slot: 22, host: $0, hostInstance: $1, configJSON: $2, outInstance: $3, error: $4) }
        case 23: return { InstanceBridge.create(slot: 23, host: $0, hostInstance: $1, configJSON: $2, outInstance: $3, error: $4) }
        case 24: return { InstanceBridge.create(slot: 24, host: $0, hostInstance: $1, configJSON: $2, outInstance: $3, error: $4) }
        case 25: return { InstanceBridge.create(slot: 25, host: $0, hostInstance: $1, configJSON: $2, outInstance: $3, error: $4) }
        case 26: return { InstanceBridge.create(slot: 26, host: $0, hostInstance: $1, configJSON: $2, outInstance: $3, error: $4) }
        case 27: return { InstanceBridge.create(slot: 27, host: $0, hostInstance: $1, configJSON: $2, outInstance: $3, error: $4) }
        case 28: return { InstanceBridge.create(slot: 28, host: $0, hostInstance: $1, configJSON: $2, outInstance: $3, error: $4) }
        case 29: return { InstanceBridge.create(slot: 29, host: $0, hostInstance: $1, configJSON: $2, outInstance: $3, error: $4) }
        case 30: return { InstanceBridge.create(slot: 30, host: $0, hostInstance: $1, configJSON: $2, outInstance: $3, error: $4) }
        case 31: return { InstanceBridge.create(slot: 31, host: $0, hostInstance: $1, configJSON: $2, outInstance: $3, error: $4) }
        default: return nil
        }
    }
}
