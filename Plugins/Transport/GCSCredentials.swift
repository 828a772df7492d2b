import ETLPluginKit

/// How requests to Google Cloud Storage are authorised: an OAuth access token given as is
/// (`GOOGLE_OAUTH_ACCESS_TOKEN`, e.g. from `gcloud auth print-access-token`), or a service
/// account's JSON key, whose signed JWT is exchanged for tokens as they expire
/// (`ServiceAccountTokenSource`). Looked for in that order: the config's `credentials_file`,
/// `GOOGLE_OAUTH_ACCESS_TOKEN`, `GOOGLE_APPLICATION_CREDENTIALS` (environment or `.env`).
package enum GCSCredentials: Sendable {
    case accessToken(String)
    case serviceAccount(ServiceAccountKey)

    package var secrets: [String] {
        switch self {
        case .accessToken(let token): return [token]
        case .serviceAccount(let key): return key.secrets
        }
    }

    /// Finds the credentials.
    /// - Throws: `ETL_INVALID_CONFIG` naming the places looked at.
    package static func resolve(keyFile: String?, configPath: String) throws(PluginError) -> GCSCredentials {
        if let keyFile {
            return .serviceAccount(try ServiceAccountKey(path: keyFile, origin: "\(configPath).credentials_file"))
        }
        if let token = Environment.value("GOOGLE_OAUTH_ACCESS_TOKEN") {
            return .accessToken(token)
        }
        if let path = Environment.value("GOOGLE_APPLICATION_CREDENTIALS") {
            return .serviceAccount(try ServiceAccountKey(path: path, origin: "GOOGLE_APPLICATION_CREDENTIALS"))
        }
        throw .invalidConfig("no Google Cloud credentials found for gs:// paths: set \(configPath).credentials_file or GOOGLE_APPLICATION_CREDENTIALS to a service account's JSON key file, or GOOGLE_OAUTH_ACCESS_TOKEN to an access token (environment or the manifest's .env)")
    }
}

/// The fields of a Google service account's JSON key file the token exchange needs.
package struct ServiceAccountKey: Sendable {
    package var clientEmail: String
    package var privateKeyPEM: String
    package var privateKeyID: String?
    /// Where tokens are asked for (`token_uri`, https://oauth2.googleapis.com/token for Google).
    package var tokenURI: String
    /// Where the key came from, for messages.
    package var origin: String

    package var secrets: [String] {
        // The PEM's base64 lines, each long enough to be recognised if one leaked into a message.
        [privateKeyPEM] + privateKeyPEM.split(separator: "\n").map(String.init).filter { $0.count >= 16 && !$0.hasPrefix("-----") }
    }

    /// Reads the key file at `path`; `origin` names the setting that pointed at it.
    /// - Throws: `ETL_INVALID_CONFIG` when the file is missing or not a service-account key.
    package init(path: String, origin: String) throws(PluginError) {
        guard let text = LocalTextFile.read(path) else {
            throw .invalidConfig("\(origin): cannot read the service-account key file \(path); check the path and its permissions")
        }
        let where_ = "\(origin) (\(path))"
        let object: PluginConfig
        do throws(PluginError) {
            object = try PluginConfig(parsing: text, path: "key")
        } catch {
            throw .invalidConfig("\(where_) is not JSON: download the service account's key again (IAM → Service accounts → Keys → JSON)")
        }
        guard (try? object.optionalString("type")) == "service_account" else {
            throw .invalidConfig("\(where_) is not a service-account key (its \"type\" is not \"service_account\"); for user credentials set GOOGLE_OAUTH_ACCESS_TOKEN instead")
        }
        guard let email = try? object.optionalString("client_email"), let pem = try? object.optionalString("private_key"),
              let uri = try? object.optionalString("token_uri") else {
            throw .invalidConfig("\(where_) lacks client_email, private_key or token_uri")
        }
        clientEmail = email
        privateKeyPEM = pem
        privateKeyID = try? object.optionalString("private_key_id")
        tokenURI = uri
        self.origin = where_
    }
}
