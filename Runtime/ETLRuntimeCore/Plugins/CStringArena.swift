import Glibc

/// C strings that must stay valid for the duration of one plugin call (request
/// structs hold several), freed together afterwards.
final class CStringArena {
    private var allocations: [UnsafeMutablePointer<CChar>] = []

    func string(_ text: String) -> UnsafePointer<CChar> {
        let copy = strdup(text)!
        allocations.append(copy)
        return UnsafePointer(copy)
    }

    func optional(_ text: String?) -> UnsafePointer<CChar>? {
        text.map(string)
    }

    deinit {
        allocations.forEach { free($0) }
    }
}
