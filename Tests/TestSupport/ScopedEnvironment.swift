import Foundation

/// Sets environment variables for one test and puts the old values back afterwards: the
/// object-store layer reads credentials with getenv, as the runtime's plugins do.
public final class ScopedEnvironment {
    public init() {}

    private var saved: [String: String?] = [:]

    public func set(_ name: String, _ value: String?) {
        if saved[name] == nil { saved[name] = .some(ProcessInfo.processInfo.environment[name]) }
        if let value { setenv(name, value, 1) } else { unsetenv(name) }
    }

    /// Clears every variable the object stores read, so the developer's own credentials never leak in.
    public func clearCloudVariables() {
        for name in ["AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_PROFILE", "AWS_SHARED_CREDENTIALS_FILE",
                     "AWS_REGION", "AWS_DEFAULT_REGION", "GOOGLE_OAUTH_ACCESS_TOKEN", "GOOGLE_APPLICATION_CREDENTIALS"] {
            set(name, nil)
        }
    }

    public func restore() {
        for (name, value) in saved {
            if let value { setenv(name, value, 1) } else { unsetenv(name) }
        }
        saved = [:]
    }
}
