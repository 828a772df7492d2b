/// How one attempt ended: a response (any status), or a transport failure libcurl reported.
enum TransferOutcome: Sendable {
    /// The server answered.
    case response(HTTPResponse)
    /// No usable answer: connection refused, timeout, TLS failure... `retryable` says whether
    /// trying again may help (a TLS certificate problem will not go away by itself).
    case failure(message: String, retryable: Bool)
    /// The host asked to stop while the transfer ran.
    case cancelled
}
