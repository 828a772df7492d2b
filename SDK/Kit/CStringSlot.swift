import CETLPlugin
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Permanent C strings for descriptors: [plugin-owned, static] valid until the process exits.
enum PermanentCString {
    /// A NUL-terminated copy of `text` that is never freed (the library is never unloaded).
    static func make(_ text: String) -> UnsafePointer<CChar> {
        UnsafePointer(strdup(text)!)
    }
}

/// A C string an instance hands to the host and keeps until it hands out the next one (or is
/// destroyed): how `checkpoint` and `read_state` results stay valid "until the next call on the
/// instance" without the host freeing anything.
final class CStringSlot {
    private var storage: UnsafeMutablePointer<CChar>?

    /// Replaces the held string with a copy of `text` (nil stores nothing) and returns a pointer to
    /// it, valid until the next `store` or until the slot is freed.
    func store(_ text: String?) -> UnsafePointer<CChar>? {
        free(storage)
        storage = text.map { strdup($0)! }
        return storage.map { UnsafePointer($0) }
    }

    deinit {
        free(storage)
    }
}
