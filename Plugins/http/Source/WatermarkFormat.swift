import ETLArrow

/// How a watermark is written into a request.
enum WatermarkFormat: String, Sendable, Hashable {
    /// `2024-01-01T00:00:00Z`.
    case iso8601
    /// Whole seconds since the Unix epoch.
    case epochSeconds = "epoch_seconds"
    /// Whole milliseconds since the Unix epoch.
    case epochMillis = "epoch_millis"

    /// The text sent for a watermark at `microseconds`.
    func render(microseconds: Int64) -> String {
        switch self {
        case .iso8601: return ArrowTimestampText.rfc3339(micros: microseconds)
        case .epochSeconds: return String(floorDivide(microseconds, 1_000_000))
        case .epochMillis: return String(floorDivide(microseconds, 1_000))
        }
    }

    private func floorDivide(_ value: Int64, _ divisor: Int64) -> Int64 {
        value >= 0 ? value / divisor : -((-value + divisor - 1) / divisor)
    }
}
