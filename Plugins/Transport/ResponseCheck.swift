import ETLPluginKit

/// Turns a final response into records' JSON, or into a clear error for the person running the load.
package enum ResponseCheck {
    /// The parsed JSON body of a successful response.
    /// - Throws: `ETL_INVALID_CONFIG` for 401/403/404 (credentials or path to fix), `ETL_IO_ERROR`
    ///   for other failures (with the attempts made), `ETL_BAD_DATA` for a body that is not JSON
    ///   (naming the URL and the byte offset).
    package static func json(_ response: HTTPResponse, request: HTTPRequest, client: HTTPClient) throws(PluginError) -> JSONValue {
        try requireSuccess(response, request: request, client: client)
        return try parse(response.body, source: client.display(request))
    }

    /// Throws the error a non-2xx final response deserves.
    package static func requireSuccess(_ response: HTTPResponse, request: HTTPRequest, client: HTTPClient) throws(PluginError) {
        guard !response.isSuccess else { return }
        let target = client.display(request)
        let excerpt = client.scrub(response.excerpt())
        switch response.status {
        case 401 where client.auth.isTokenBased:
            throw .invalidConfig("\(target) answered HTTP 401 Unauthorized even with a newly fetched token (not retried again): the token is not accepted for this resource; check config.auth (token_url, scope, audience) and its environment variables. Server said: \(excerpt)")
        case 401:
            throw .invalidConfig("\(target) answered HTTP 401 Unauthorized (not retried): the credentials are missing or wrong; check config.auth and its environment variable. Server said: \(excerpt)")
        case 403:
            throw .invalidConfig("\(target) answered HTTP 403 Forbidden (not retried): the credentials lack access to this resource; check config.auth. Server said: \(excerpt)")
        case 404:
            throw .invalidConfig("\(target) answered HTTP 404 Not Found (not retried): check base_url and the stream's path. Server said: \(excerpt)")
        case 429, 408, 500..<600:
            let attempts = client.settings.retries + 1
            throw .ioError("\(target) still answered HTTP \(response.status) after \(attempts) attempt\(attempts == 1 ? "" : "s"); raise retries or try later. Server said: \(excerpt)")
        default:
            throw .ioError("\(target) answered HTTP \(response.status) (not retried). Server said: \(excerpt)")
        }
    }

    /// Parses a body as strict JSON.
    /// - Throws: `ETL_BAD_DATA` naming `source`, the byte offset, line and column, and the parser's message.
    package static func parse(_ body: [UInt8], source: String) throws(PluginError) -> JSONValue {
        do throws(JSONSyntaxError) {
            let document = try JSONParser.parse(bytes: body)
            return document.root.value
        } catch {
            let offset = byteOffset(of: error.location, in: body)
            throw .badData("\(source) returned malformed JSON at byte offset \(offset) (line \(error.location.line), column \(error.location.column)): \(error.message)")
        }
    }

    /// The 0-based byte offset of a 1-based line and column counted in Unicode scalars.
    package static func byteOffset(of location: JSONLocation, in bytes: [UInt8]) -> Int {
        var index = 0
        var line = 1
        while line < location.line, index < bytes.count {
            if bytes[index] == UInt8(ascii: "\n") { line += 1 }
            index += 1
        }
        var column = 1
        while column < location.column, index < bytes.count {
            index += 1
            // Continuation bytes (10xxxxxx) belong to the scalar already counted.
            while index < bytes.count, bytes[index] & 0xC0 == 0x80 { index += 1 }
            column += 1
        }
        return index
    }
}
