#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// NUL-terminated copies of Swift strings in C heap memory, for the pointers the
/// C Data Interface hands out (formats, names, error messages).
enum CStringCopy {
    /// Bytes `string` needs as a C string, terminator included.
    static func byteCount(of string: String) -> Int { string.utf8.count + 1 }

    /// Writes `string` and a terminating NUL at `destination`; returns the pointer to
    /// the copy and the address just past the terminator.
    static func write(_ string: String, to destination: UnsafeMutableRawPointer) -> (UnsafePointer<CChar>, UnsafeMutableRawPointer) {
        var cursor = destination
        for byte in string.utf8 {
            cursor.storeBytes(of: byte, as: UInt8.self)
            cursor += 1
        }
        cursor.storeBytes(of: 0, as: UInt8.self)
        let text = UnsafePointer(destination.assumingMemoryBound(to: CChar.self))
        return (text, cursor + 1)
    }

    /// A `malloc`ed copy of `string`; free it with `free()`.
    static func duplicate(_ string: String) -> UnsafeMutablePointer<CChar> {
        guard let memory = malloc(byteCount(of: string)) else {
            fatalError("ETLArrow: out of memory copying a \(string.utf8.count)-byte string")
        }
        _ = write(string, to: memory)
        return memory.assumingMemoryBound(to: CChar.self)
    }
}
