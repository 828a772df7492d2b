import ETLPluginKit

/// How an `sftp://` transfer logs in and checks the server, from the `sftp` object of a remote
/// config, with secrets read from the environment when the instance is created:
/// `{"username_env": "SFTP_USER", "private_key_path": "keys/id_ed25519", "passphrase_env": "KEY_PASS",
/// "known_hosts_path": "keys/known_hosts"}` or `{"username_env": ..., "password_env": ...,
/// "insecure_skip_host_key_check": true}`.
package struct SFTPSettings: Sendable {
    /// The login name.
    package var username: String
    /// The password (a secret), when logging in by password.
    package var password: String?
    /// The private key file, when logging in by key.
    package var privateKeyPath: String?
    /// The private key's passphrase (a secret), if it has one.
    package var passphrase: String?
    /// The OpenSSH `known_hosts` file the server's host key must be listed in; nil only with
    /// `skipHostKeyCheck`.
    package var knownHostsPath: String?
    /// True to accept any host key (`insecure_skip_host_key_check`): only for tests and
    /// throwaway servers, since anyone on the path could then pose as the server.
    package var skipHostKeyCheck: Bool

    /// The config keys of the `sftp` object.
    package static let keys: Set<String> = [
        "username_env", "password_env", "private_key_path", "passphrase_env", "known_hosts_path", "insecure_skip_host_key_check",
    ]

    /// Reads the `sftp` object.
    /// - Throws: `ETL_INVALID_CONFIG` naming the key: an unset variable (its name, never a
    ///   value), neither or both of a password and a key, or no way to check the host key.
    package init(_ object: PluginConfig) throws(PluginError) {
        try object.rejectUnknownKeys(allowed: Self.keys)
        func secret(_ key: String) throws(PluginError) -> String? {
            guard let variable = try object.optionalString(key) else { return nil }
            guard let value = Environment.value(variable) else {
                throw .invalidConfig("\(object.path).\(key) names the environment variable \(variable), which is not set (or empty); export \(variable) before running")
            }
            return value
        }
        guard let username = try secret("username_env") else {
            throw .invalidConfig("\(object.path).username_env is required: name the environment variable that holds the sftp login")
        }
        self.username = username
        password = try secret("password_env")
        privateKeyPath = try object.optionalString("private_key_path")
        passphrase = try secret("passphrase_env")
        switch (password, privateKeyPath) {
        case (nil, nil):
            throw .invalidConfig("\(object.path) needs \"password_env\" or \"private_key_path\" to log in")
        case (.some, .some):
            throw .invalidConfig("\(object.path) has both \"password_env\" and \"private_key_path\"; keep the one the server expects")
        default:
            break
        }
        knownHostsPath = try object.optionalString("known_hosts_path")
        skipHostKeyCheck = try object.bool("insecure_skip_host_key_check", default: false)
        if knownHostsPath == nil && !skipHostKeyCheck {
            throw .invalidConfig("\(object.path) needs \"known_hosts_path\" (an OpenSSH known_hosts file listing the server's host key, e.g. from `ssh-keyscan -p PORT HOST`) so that the server is checked; \"insecure_skip_host_key_check\": true turns the check off")
        }
    }

    /// The secret values, to scrub from any text that leaves the plugin.
    package var secrets: [String] { [password, passphrase].compactMap { $0 } }
}
