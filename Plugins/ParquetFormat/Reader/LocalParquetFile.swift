#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A local file read with `pread`, so column chunks are fetched by offset without loading the
/// file and without a shared file position.
public final class LocalParquetFile: ParquetByteSource {
    public let name: String
    public let size: Int64
    private let descriptor: Int32

    /// Opens `path` for reading.
    public init(path: String) throws(ParquetReadError) {
        name = path
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else {
            throw ParquetReadError(.io, "\(path): cannot open (\(String(cString: strerror(errno))))")
        }
        var status = stat()
        guard fstat(fd, &status) == 0 else {
            let reason = String(cString: strerror(errno))
            close(fd)
            throw ParquetReadError(.io, "\(path): cannot stat (\(reason))")
        }
        guard (status.st_mode & S_IFMT) == S_IFREG else {
            close(fd)
            throw ParquetReadError(.io, "\(path): not a regular file")
        }
        descriptor = fd
        size = Int64(status.st_size)
    }

    deinit { close(descriptor) }

    public func read(offset: Int64, length: Int) throws(ParquetReadError) -> [UInt8] {
        guard offset >= 0, length >= 0, offset <= size, Int64(length) <= size - offset else {
            throw ParquetReadError(.corrupt, "the file is \(size) bytes long, but \(length) bytes are needed at offset \(offset): the file is truncated or its metadata is corrupt")
        }
        var failure: Int32 = 0
        let bytes = [UInt8](unsafeUninitializedCapacity: length) { buffer, count in
            var done = 0
            while done < length {
                let got = pread(descriptor, buffer.baseAddress! + done, length - done, off_t(offset) + off_t(done))
                if got < 0 {
                    if errno == EINTR { continue }
                    failure = errno
                    break
                }
                if got == 0 { break }
                done += got
            }
            count = done
        }
        if failure != 0 { throw ParquetReadError(.io, "read failed at offset \(offset) (\(String(cString: strerror(failure))))") }
        guard bytes.count == length else {
            throw ParquetReadError(.corrupt, "the file ended after \(offset + Int64(bytes.count)) bytes while reading \(length) bytes at offset \(offset): it is truncated")
        }
        return bytes
    }
}
