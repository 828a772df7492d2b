extension ManifestDecoder {
    static let retryKeys = ["attempts", "backoff"]

    /// An entry's `retry`: `{"attempts": 3, "backoff": "PT1M"}`, both required, nothing else.
    func retry(_ node: JSONNode, _ path: JSONPath) -> RetryPolicy? {
        guard let object = reader.object(node, path, allowed: ManifestDecoder.retryKeys, required: ManifestDecoder.retryKeys) else {
            return nil
        }
        var attempts: Int?
        var backoff: ISO8601Duration?
        if let value = object["attempts"] {
            let attemptsPath = path.appending(key: "attempts")
            if let count = reader.integer(value, attemptsPath, minimum: 1) {
                if count > RetryPolicy.maximumAttempts {
                    reader.report(attemptsPath, at: value.location,
                                  "expected at most \(RetryPolicy.maximumAttempts) attempts (the first included), got \(count); "
                                    + "for an outage longer than that, let the next scheduled run (or `run --failed-only`) try again")
                } else {
                    attempts = count
                }
            }
        }
        if let value = object["backoff"] { backoff = reader.duration(value, path.appending(key: "backoff")) }
        guard let attempts, let backoff else { return nil }
        return RetryPolicy(attempts: attempts, backoff: backoff)
    }
}
