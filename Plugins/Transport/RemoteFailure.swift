import CCurl
import ETLPluginKit

/// Turns the way a remote transfer ended into a retry decision or a clear error naming the URL
/// (never credentials) and what to fix.
enum RemoteFailure {
    /// True when another attempt may succeed: the network or the server, not the configuration.
    static func isRetryable(_ ending: CurlStream.Ending) -> Bool {
        switch ending {
        case .complete, .rangeIgnored: return false
        case .status(let status, _): return status == 408 || status == 429 || (500..<600).contains(status)
        case .failed(let code): return isRetryable(code)
        }
    }

    /// Transport errors worth another attempt.
    static func isRetryable(_ code: CURLcode) -> Bool {
        let transient: [CURLcode] = [
            CURLE_COULDNT_CONNECT, CURLE_OPERATION_TIMEDOUT, CURLE_RECV_ERROR, CURLE_SEND_ERROR, CURLE_GOT_NOTHING,
            CURLE_PARTIAL_FILE, CURLE_COULDNT_RESOLVE_HOST, CURLE_HTTP2, CURLE_HTTP2_STREAM,
        ]
        return transient.contains(code)
    }

    /// A short description of an ending for warnings.
    static func summary(_ ending: CurlStream.Ending) -> String {
        switch ending {
        case .complete: return "complete"
        case .rangeIgnored: return "byte range ignored"
        case .status(let status, _): return "HTTP \(status)"
        case .failed(let code): return reason(code)
        }
    }

    /// The error for an ending that is final, for a transfer of `url` that started at byte `start`.
    static func error(_ ending: CurlStream.Ending, url: RemoteURL, start: Int64, attempts: Int) -> PluginError {
        let target = url.display
        let tries = "after \(attempts) attempt\(attempts == 1 ? "" : "s")"
        switch ending {
        case .complete:
            return .internalError("\(target): a complete transfer was reported as a failure")
        case .rangeIgnored:
            return .badData("\(target) answered 200 with the whole file to a request for the bytes from \(start) on: the server ignores byte ranges (or the file was replaced), so reading cannot resume at byte \(start)")
        case .status(let status, let excerpt):
            let said = excerpt.isEmpty ? "" : " Server said: \(excerpt.prefix(200))"
            switch status {
            case 401: return .invalidConfig("\(target) answered HTTP 401 Unauthorized (not retried): the credentials are missing or wrong; check remote.auth and its environment variable.\(said)")
            case 403: return .invalidConfig("\(target) answered HTTP 403 Forbidden (not retried): the credentials lack access to this file; check remote.auth.\(said)")
            case 404: return .ioError("\(target) answered HTTP 404 Not Found: check the path's URL.\(said)")
            case 416: return .badData("\(target) answered HTTP 416 Range Not Satisfiable for the bytes from \(start) on: the file is now shorter than what was already read (it shrank or was replaced)")
            case 408, 429, 500..<600: return .ioError("\(target) still answered HTTP \(status) \(tries); raise remote.retries or try later.\(said)")
            default: return .ioError("\(target) answered HTTP \(status) (not retried).\(said)")
            }
        case .failed(let code):
            let why = reason(code)
            switch code {
            case CURLE_LOGIN_DENIED, CURLE_AUTH_ERROR:
                return .invalidConfig("\(target): the server refused the login (\(why)); check remote.sftp (username_env and private_key_path or password_env) or remote.auth")
            case CURLE_PEER_FAILED_VERIFICATION, CURLE_SSL_CACERT_BADFILE, CURLE_SSL_CONNECT_ERROR:
                return .invalidConfig("\(target): the server's identity could not be verified (\(why)); for sftp, add its host key to remote.sftp.known_hosts_path (ssh-keyscan -p PORT HOST); for https, check remote.ca_bundle")
            case CURLE_SSH:
                return .ioError("\(target): the SSH session failed (\(why)); check remote.sftp: the key file, its passphrase, the user name and the server's host key in known_hosts_path")
            case CURLE_REMOTE_FILE_NOT_FOUND, CURLE_REMOTE_ACCESS_DENIED:
                return .ioError("\(target): \(why); check the path's URL and that the user may read it")
            case CURLE_BAD_DOWNLOAD_RESUME, CURLE_RANGE_ERROR:
                return .badData("\(target) cannot be read from byte \(start) (\(why)): the file is now shorter than what was already read (it shrank or was replaced)")
            default:
                let hint = isRetryable(code) ? "check that the server is reachable, or raise remote.timeout_seconds / remote.retries" : "check the URL and remote settings"
                return .ioError("\(target) failed \(tries): \(why); \(hint)")
            }
        }
    }

    /// libcurl's description of `code`.
    static func reason(_ code: CURLcode) -> String {
        curl_easy_strerror(code).map { String(cString: $0) } ?? "libcurl error \(code.rawValue)"
    }
}
