/// A user name and password for HTTP Basic authentication, read from the environment.
struct BasicCredentials: Sendable, Hashable {
    /// The user name.
    var username: String
    /// The password (a secret: never put it in a message).
    var password: String
}
