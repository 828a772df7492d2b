/// What an incremental read sends and why, for the debug line of each of its requests
/// (`etl-runtime run --verbose`): `updated_since=2024-01-01T00:00:00Z (watermark
/// 2024-01-01T00:05:00Z minus lookback PT5M)`.
enum IncrementalNote {
    /// - Parameters:
    ///   - sent: the watermark as written into the request.
    ///   - from: where the read starts before the lookback, written the same way.
    ///   - origin: "watermark" (the state) or "initial_value" (a first run).
    static func text(_ incremental: IncrementalSettings, sent: String, from: String, origin: String, lookbackSeconds: Double) -> String {
        let place = incremental.placement == .body ? "body field " : ""
        let lookback = lookbackSeconds > 0 ? "minus lookback \(isoDuration(seconds: lookbackSeconds))" : "no lookback"
        return "\(place)\(incremental.parameter)=\(sent) (\(origin) \(from) \(lookback))"
    }

    /// `PT5M`, `PT1H30M`, `PT0.5S`: the ISO 8601 duration a manifest's `lookback` is written in.
    static func isoDuration(seconds: Double) -> String {
        let milliseconds = Int((seconds * 1000).rounded())
        let hours = milliseconds / 3_600_000
        let minutes = milliseconds / 60_000 % 60
        let rest = milliseconds % 60_000
        var text = "PT"
        if hours > 0 { text += "\(hours)H" }
        if minutes > 0 { text += "\(minutes)M" }
        if rest > 0 || text == "PT" {
            text += rest % 1000 == 0 ? "\(rest / 1000)S" : "\(Double(rest) / 1000)S"
        }
        return text
    }
}
