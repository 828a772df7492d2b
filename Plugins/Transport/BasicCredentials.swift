/// A user name and password for HTTP Basic authentication, read from the environment.
package struct BasicCredentials: Sendable, Hashable {
    /// The user name.
    package var username: String
    /// The password (a secret: never put it in a message).
    package var password: String
}
