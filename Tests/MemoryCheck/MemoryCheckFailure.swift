#if canImport(Glibc)
import Glibc
#endif

/// A scenario found a wrong value or a missing error; the run exits 1.
struct MemoryCheckFailure: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

/// Fails the scenario unless `condition` holds.
func expect(_ condition: @autoclosure () throws -> Bool, _ what: @autoclosure () -> String) throws {
    if try !condition() { throw MemoryCheckFailure(what()) }
}

/// Fails the scenario unless `body` throws.
func expectThrows(_ what: String, _ body: () throws -> Void) throws {
    do {
        try body()
    } catch {
        return
    }
    throw MemoryCheckFailure("expected an error: \(what)")
}

/// Writes `text` and a newline to standard error (a file descriptor write, so no
/// shared `stderr` FILE* is touched).
func printToStandardError(_ text: String) {
    let line = text + "\n"
    _ = line.utf8CString.withUnsafeBufferPointer { write(2, $0.baseAddress, $0.count - 1) }
}
