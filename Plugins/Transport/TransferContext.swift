import CCurl

/// What one transfer collects while libcurl runs it: the body, the header lines, and the
/// question "should we stop?" asked from the progress callback.
///
/// libcurl calls the callbacks on the thread that runs the transfer, with the context passed
/// back as an unretained pointer; the owner keeps the context alive until the transfer ends.
final class TransferContext {
    /// The body received so far.
    var body: [UInt8] = []
    /// Headers of the latest response (a new status line, as after `100 Continue`, clears them).
    var headers: [(name: String, value: String)] = []
    /// Asked while the transfer runs; true aborts it with `CURLE_ABORTED_BY_CALLBACK`.
    let isCancelled: () -> Bool
    /// Whether the progress callback asked libcurl to stop.
    var cancelled = false

    /// Creates an empty context.
    init(isCancelled: @escaping () -> Bool) {
        self.isCancelled = isCancelled
    }

    /// The pointer handed to libcurl as WRITEDATA / HEADERDATA / XFERINFODATA.
    var pointer: UnsafeMutableRawPointer { Unmanaged.passUnretained(self).toOpaque() }

    static func from(_ pointer: UnsafeMutableRawPointer?) -> TransferContext? {
        guard let pointer else { return nil }
        return Unmanaged<TransferContext>.fromOpaque(pointer).takeUnretainedValue()
    }

    /// CURLOPT_WRITEFUNCTION.
    static let write: etl_curl_data_callback = { data, size, count, context in
        let length = size * count
        guard let transfer = TransferContext.from(context) else { return 0 }
        if let data, length > 0 {
            data.withMemoryRebound(to: UInt8.self, capacity: length) { bytes in
                transfer.body.append(contentsOf: UnsafeBufferPointer(start: bytes, count: length))
            }
        }
        return length
    }

    /// CURLOPT_HEADERFUNCTION: one header line per call, with its CRLF.
    static let header: etl_curl_data_callback = { data, size, count, context in
        let length = size * count
        guard let transfer = TransferContext.from(context), let data else { return length }
        let line = data.withMemoryRebound(to: UInt8.self, capacity: length) {
            String(decoding: UnsafeBufferPointer(start: $0, count: length), as: UTF8.self)
        }
        if line.hasPrefix("HTTP/") {
            transfer.headers.removeAll()
        } else if let colon = line.firstIndex(of: ":") {
            let name = line[..<colon].lowercased()
            let value = line[line.index(after: colon)...].trimmingWhitespace()
            transfer.headers.append((name, value))
            // One allocation for the body instead of a copy at every doubling (pages of an API are
            // mostly 10 KB to 1 MB; the cap keeps a lying header from reserving gigabytes).
            if name == "content-length", let size = Int(value), size > 0 {
                transfer.body.reserveCapacity(min(size, TransferContext.largestReservation))
            }
        }
        return length
    }

    /// The most a Content-Length header may make a transfer reserve up front: 64 MiB.
    static let largestReservation = 64 << 20

    /// CURLOPT_XFERINFOFUNCTION: a non-zero return aborts the transfer.
    static let progress: etl_curl_progress_callback = { context, _, _, _, _ in
        guard let transfer = TransferContext.from(context) else { return 0 }
        if transfer.isCancelled() {
            transfer.cancelled = true
            return 1
        }
        return 0
    }
}

extension Substring {
    /// The text without leading and trailing spaces, tabs, CR and LF.
    package func trimmingWhitespace() -> String {
        let isBlank: (Character) -> Bool = { $0 == " " || $0 == "\t" || $0 == "\r" || $0 == "\n" || $0 == "\r\n" }
        guard let start = firstIndex(where: { !isBlank($0) }), let end = lastIndex(where: { !isBlank($0) }) else { return "" }
        return String(self[start...end])
    }
}
