import CCurl
import ETLPluginKit

/// Puts the store's credentials on a libcurl handle before a request runs:
///
/// - S3 (and S3-compatible stores, GCS HMAC keys included): libcurl's own AWS Signature V4
///   (`CURLOPT_AWS_SIGV4` "aws:amz:<region>:s3", the key pair as `CURLOPT_USERPWD`), plus the
///   headers SigV4 for S3 wants: `x-amz-content-sha256` (the body's SHA-256, or
///   `UNSIGNED-PAYLOAD` for a streamed file: TLS protects it) and, for temporary credentials,
///   `x-amz-security-token`.
/// - GCS: `Authorization: Bearer <token>`, the token fixed or from `ServiceAccountTokenSource`.
///
/// Used from one thread at a time, like the requests it signs.
final class ObjectStoreAuthorizer {
    private let settings: ObjectStoreSettings
    private let tokens: ServiceAccountTokenSource?

    init(settings: ObjectStoreSettings, isCancelled: @escaping () -> Bool) {
        self.settings = settings
        if case .serviceAccount(let key) = settings.gcsCredentials {
            tokens = ServiceAccountTokenSource(key: key, client: settings.client, isCancelled: isCancelled)
        } else {
            tokens = nil
        }
    }

    /// The SHA-256 of an empty body, what S3 wants for GET, HEAD and DELETE.
    static let emptyPayloadHash = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"

    /// The headers to add for a request with `body`, and the libcurl options that sign it.
    /// Returns the extra header lines.
    /// - Throws: `ETL_INVALID_CONFIG` / `ETL_IO_ERROR` when a service-account token cannot be had.
    func authorize(_ handle: UnsafeMutableRawPointer, body: ObjectStoreRequest.Body) throws(PluginError) -> [String] {
        if let credentials = settings.s3Credentials {
            _ = etl_curl_set_string(handle, CURLOPT_AWS_SIGV4, "aws:amz:\(settings.region):s3")
            _ = etl_curl_set_string(handle, CURLOPT_USERPWD, "\(credentials.accessKeyID):\(credentials.secretAccessKey)")
            var lines: [String] = []
            switch body {
            case .none: lines.append("x-amz-content-sha256: \(Self.emptyPayloadHash)")
            case .bytes(let bytes): lines.append("x-amz-content-sha256: \(OpenSSLCrypto.sha256Hex(bytes))")
            case .file: lines.append("x-amz-content-sha256: UNSIGNED-PAYLOAD")
            }
            if let token = credentials.sessionToken { lines.append("x-amz-security-token: \(token)") }
            return lines
        }
        switch settings.gcsCredentials {
        case .accessToken(let token)?:
            return ["Authorization: Bearer \(token)"]
        case .serviceAccount?:
            return ["Authorization: Bearer \(try tokens!.token())"]
        case nil:
            return []
        }
    }
}
