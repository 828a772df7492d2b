/// A user name and password for HTTP Basic authentication, read from the environment.
public struct BasicCredentials: Sendable, Hashable {
    /// The user name.
    public var username: String
    /// The password (a secret: never put it in a message).
    public var password: String
}
