import ETLPluginKit

/// How a plugin reaches `s3://` and `gs://` paths, read from its `remote` config object (the
/// same object that holds `auth`/`sftp` for https and sftp URLs; which keys apply depends on
/// the path's scheme, and a key that does not apply is an error):
///
/// - `endpoint`: base URL of the store, e.g. `http://127.0.0.1:9000` for MinIO or an emulator,
///   `https://storage.googleapis.com` to use GCS HMAC keys through S3 (with `region` "auto").
///   Default: AWS (`https://s3.<region>.amazonaws.com`) or GCS (`https://storage.googleapis.com`).
/// - `region` (s3): signing region; default `AWS_REGION`, `AWS_DEFAULT_REGION`, else us-east-1.
/// - `profile` (s3): the `~/.aws/credentials` profile to use (see `AWSCredentials`).
/// - `path_style` (s3): `endpoint/bucket/key` instead of `bucket.endpoint/key`; default true
///   when `endpoint` is set (S3-compatible stores), false for AWS.
/// - `credentials_file` (gs): a service-account JSON key (default `GOOGLE_APPLICATION_CREDENTIALS`;
///   `GOOGLE_OAUTH_ACCESS_TOKEN` wins over that variable, not over this key).
/// - the transport keys of `HTTPClientSettings` but `rate_limit_per_second`: `timeout_seconds`
///   bounds a stall, not a whole transfer.
package struct ObjectStoreSettings: Sendable {
    package var provider: ObjectStoreProvider
    package var client: HTTPClientSettings
    /// The store's base URL without a trailing `/`.
    package var endpoint: String
    /// True when an `endpoint` was configured (not the provider's default).
    package var hasCustomEndpoint: Bool
    package var region: String
    package var pathStyle: Bool
    package var s3Credentials: AWSCredentials?
    package var gcsCredentials: GCSCredentials?

    /// The JSON Schema properties of the object-store keys (`endpoint`, `region`, `profile`,
    /// `path_style`, `credentials_file`), comma-separated, for a plugin to put into its `remote`
    /// object's `properties` beside the transport keys (see `schema`).
    package static let schemaProperties = #"""
    "endpoint": { "type": "string", "minLength": 1, "description": "s3:// and gs:// paths: the store's base URL, e.g. http://127.0.0.1:9000 for MinIO or an emulator, https://storage.googleapis.com for GCS HMAC keys through an s3:// path (with region \"auto\"). Default: AWS S3 in the region, or Google Cloud Storage." },
    "region": { "type": "string", "minLength": 1, "description": "s3:// paths: the signing region. Default: AWS_REGION, AWS_DEFAULT_REGION, else us-east-1." },
    "profile": { "type": "string", "minLength": 1, "description": "s3:// paths: the profile of ~/.aws/credentials (or AWS_SHARED_CREDENTIALS_FILE) whose key to use, instead of AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY / AWS_SESSION_TOKEN from the environment or .env, or the AWS_PROFILE (default) profile." },
    "path_style": { "type": "boolean", "description": "s3:// paths: address objects as endpoint/bucket/key instead of bucket.endpoint/key. Default: true with an endpoint, false for AWS." },
    "credentials_file": { "type": "string", "format": "path", "minLength": 1, "description": "gs:// paths: a service account's JSON key file, exchanged for access tokens (a JWT signed RS256). Default: GOOGLE_OAUTH_ACCESS_TOKEN (an access token), else GOOGLE_APPLICATION_CREDENTIALS (a key file)." }
    """#

    /// The whole `remote` object's schema for a plugin whose paths are only object-store paths
    /// (e.g. `"remote": \(ObjectStoreSettings.schema)` in a parquet plugin's config schema).
    package static let schema = #"""
    {
      "type": "object",
      "description": "How s3:// and gs:// paths are reached. Credentials come from the environment (or the manifest's .env), ~/.aws/credentials profiles or a service-account key file, never from the manifest.",
      "properties": {
        "timeout_seconds": { "type": "number", "exclusiveMinimum": 0, "default": 30, "description": "The longest stall (no byte received) before an attempt fails." },
        "connect_timeout_seconds": { "type": "number", "exclusiveMinimum": 0, "default": 10 },
        "retries": { "type": "integer", "minimum": 0, "maximum": 20, "default": 3, "description": "Extra attempts on connection errors, stalls, 408, 429 and 5xx; a read cut after bytes arrived resumes with a byte range." },
        "retry_base_seconds": { "type": "number", "minimum": 0, "default": 0.2 },
        "retry_max_seconds": { "type": "number", "minimum": 0, "default": 30 },
        "verify_tls": { "type": "boolean", "default": true },
        "ca_bundle": { "type": "string", "format": "path", "minLength": 1 },
        $PROPERTIES$
      },
      "additionalProperties": false
    }
    """#.replacingAll("$PROPERTIES$", with: schemaProperties)

    /// Keys of the `remote` object for object stores.
    package static let keys: Set<String> = HTTPClientSettings.keys.subtracting(["rate_limit_per_second"])
        .union(["endpoint", "region", "profile", "path_style", "credentials_file"])
    private static let s3Only: Set<String> = ["region", "profile", "path_style"]
    private static let gcsOnly: Set<String> = ["credentials_file"]

    /// Reads the `remote` object (nil: all defaults) for paths of `provider` and finds the
    /// credentials.
    /// - Throws: `ETL_INVALID_CONFIG` naming the key and the fix, or saying where credentials
    ///   were looked for.
    package init(_ given: PluginConfig?, provider: ObjectStoreProvider, configPath: String) throws(PluginError) {
        let object = given ?? PluginConfig(members: [:], path: configPath)
        for key in object.keys where !Self.keys.contains(key) {
            let hint = (key == "auth" || key == "sftp") ? "; object stores take their credentials from the environment, a profile or credentials_file" : ""
            throw .invalidConfig("\(object.path).\(key) does not apply to \(provider.rawValue):// paths (known keys: \(Self.keys.sorted().joined(separator: ", ")))\(hint)")
        }
        let foreign = provider == .s3 ? Self.gcsOnly : Self.s3Only
        if let key = object.keys.first(where: { foreign.contains($0) }) {
            throw .invalidConfig("\(object.path).\(key) applies only to \(provider == .s3 ? "gs" : "s3"):// paths; remove it")
        }
        self.provider = provider
        client = try HTTPClientSettings(object)
        region = try object.optionalString("region") ?? Environment.value("AWS_REGION") ?? Environment.value("AWS_DEFAULT_REGION") ?? "us-east-1"
        guard !region.isEmpty, region.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "-" }) else {
            throw .invalidConfig("\(object.path).region \"\(region)\" is not a region name such as eu-west-1 (or \"auto\" for GCS's S3-compatible endpoint)")
        }
        if let endpoint = try object.optionalString("endpoint") {
            let lower = endpoint.lowercased()
            guard (lower.hasPrefix("http://") || lower.hasPrefix("https://")), !endpoint.dropFirst(8).isEmpty,
                  URLText.removingUserInfo(endpoint) == endpoint, !endpoint.contains("?") else {
                throw .invalidConfig("\(object.path).endpoint must be an http:// or https:// base URL without credentials or query, e.g. http://127.0.0.1:9000 (got \(URLText.removingUserInfo(endpoint)))")
            }
            self.endpoint = endpoint.hasSuffix("/") ? String(endpoint.dropLast()) : endpoint
            hasCustomEndpoint = true
        } else {
            endpoint = provider == .s3 ? "https://s3.\(region).amazonaws.com" : "https://storage.googleapis.com"
            hasCustomEndpoint = false
        }
        pathStyle = try object.bool("path_style", default: hasCustomEndpoint)
        switch provider {
        case .s3:
            s3Credentials = try AWSCredentials.resolve(profile: try object.optionalString("profile"), configPath: object.path)
            gcsCredentials = nil
        case .gcs:
            s3Credentials = nil
            gcsCredentials = try GCSCredentials.resolve(keyFile: try object.optionalString("credentials_file"), configPath: object.path)
        }
    }

    /// Every secret these settings hold (for `SecretScrubber`).
    package var secrets: [String] { (s3Credentials?.secrets ?? []) + (gcsCredentials?.secrets ?? []) }
}
