import ETLPluginKit

/// An AWS access key (and the session token of temporary credentials), found the way the AWS
/// tools look: a profile named in the config, else `AWS_ACCESS_KEY_ID` /
/// `AWS_SECRET_ACCESS_KEY` / `AWS_SESSION_TOKEN` in the environment (which holds the manifest's
/// `.env` too: the runtime exports it before plugins start), else the profile `AWS_PROFILE`
/// (or `default`) of the shared credentials file (`AWS_SHARED_CREDENTIALS_FILE`, else
/// `~/.aws/credentials`). The same keys sign GCS's S3-compatible endpoint with HMAC keys.
package struct AWSCredentials: Sendable, Hashable {
    package var accessKeyID: String
    package var secretAccessKey: String
    package var sessionToken: String?
    /// Where the key was found, for messages (never the key itself).
    package var origin: String

    /// The values a message must never show.
    package var secrets: [String] { [secretAccessKey] + (sessionToken.map { [$0] } ?? []) }

    /// Finds the credentials; `profile` is the config's `profile` key, `configPath` names it in
    /// messages.
    /// - Throws: `ETL_INVALID_CONFIG` saying where it looked and how to provide a key.
    package static func resolve(profile: String?, configPath: String) throws(PluginError) -> AWSCredentials {
        if let profile {
            return try fromProfile(profile, origin: "\(configPath).profile")
        }
        if let keyID = Environment.value("AWS_ACCESS_KEY_ID") {
            guard let secret = Environment.value("AWS_SECRET_ACCESS_KEY") else {
                throw .invalidConfig("AWS_ACCESS_KEY_ID is set but AWS_SECRET_ACCESS_KEY is not (in the environment or the manifest's .env): set both, or neither to use a profile of ~/.aws/credentials")
            }
            return AWSCredentials(accessKeyID: keyID, secretAccessKey: secret, sessionToken: Environment.value("AWS_SESSION_TOKEN"),
                                  origin: "the environment (AWS_ACCESS_KEY_ID)")
        }
        let name = Environment.value("AWS_PROFILE") ?? "default"
        return try fromProfile(name, origin: Environment.value("AWS_PROFILE") == nil ? "the default profile" : "AWS_PROFILE")
    }

    /// The shared credentials file: `AWS_SHARED_CREDENTIALS_FILE`, else `$HOME/.aws/credentials`.
    package static var sharedCredentialsPath: String? {
        if let path = Environment.value("AWS_SHARED_CREDENTIALS_FILE") { return path }
        return Environment.value("HOME").map { $0 + "/.aws/credentials" }
    }

    private static func fromProfile(_ name: String, origin: String) throws(PluginError) -> AWSCredentials {
        let howTo = "set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY (environment or the manifest's .env), or add a [\(name)] section with aws_access_key_id and aws_secret_access_key to the shared credentials file"
        guard let path = sharedCredentialsPath, let text = LocalTextFile.read(path) else {
            throw .invalidConfig("no AWS credentials found: the profile \"\(name)\" (\(origin)) needs \(sharedCredentialsPath ?? "~/.aws/credentials"), which cannot be read; \(howTo)")
        }
        guard let section = INIText.sections(text)[name] else {
            throw .invalidConfig("no AWS credentials found: \(path) has no [\(name)] profile (\(origin)); \(howTo)")
        }
        guard let keyID = section["aws_access_key_id"], !keyID.isEmpty,
              let secret = section["aws_secret_access_key"], !secret.isEmpty else {
            throw .invalidConfig("the [\(name)] profile of \(path) lacks aws_access_key_id or aws_secret_access_key; \(howTo)")
        }
        let token = section["aws_session_token"].flatMap { $0.isEmpty ? nil : $0 }
        return AWSCredentials(accessKeyID: keyID, secretAccessKey: secret, sessionToken: token, origin: "profile \(name) of \(path)")
    }
}
