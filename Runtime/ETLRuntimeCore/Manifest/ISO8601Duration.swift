/// A duration written the ISO 8601 way (`PT10M`, `P1D`, `PT1H30M`, `P1W`), as
/// used by `lookback` and `safety_lag`.
///
/// Years and months are refused: they have no fixed length in seconds, and a
/// watermark arithmetic that changes with the calendar would surprise.
package struct ISO8601Duration: Sendable, Hashable, CustomStringConvertible {
    /// The text as written.
    package let text: String
    /// The length in whole seconds.
    package let seconds: Int64

    /// What a duration looks like, for messages.
    package static let examples = "an ISO 8601 duration such as \"PT10M\", \"P1D\" or \"PT1H30M\""

    /// Parses a duration; throws a message (without the input) when it is not one.
    package init(parsing text: String) throws(ISO8601DurationError) {
        self.text = text
        self.seconds = try ISO8601Duration.parseSeconds(text)
    }

    /// Creates a duration of whole seconds (text `PT<n>S`).
    package init(seconds: Int64) {
        self.text = "PT\(seconds)S"
        self.seconds = seconds
    }

    /// The text as written.
    package var description: String { text }

    private static func parseSeconds(_ text: String) throws(ISO8601DurationError) -> Int64 {
        let scalars = Array(text.uppercased().unicodeScalars)
        guard scalars.first == "P", scalars.count > 1 else { throw .malformed }
        var index = 1
        var inTimePart = false
        var total: Int64 = 0
        var sawUnit = false
        var lastRank = -1
        while index < scalars.count {
            if scalars[index] == "T" {
                guard !inTimePart, index + 1 < scalars.count else { throw .malformed }
                inTimePart = true
                index += 1
                continue
            }
            var digits: Int64 = 0
            var digitCount = 0
            while index < scalars.count, ("0"..."9").contains(scalars[index]) {
                let digit = Int64(scalars[index].value - 48)
                let (shifted, overflow1) = digits.multipliedReportingOverflow(by: 10)
                let (added, overflow2) = shifted.addingReportingOverflow(digit)
                guard !overflow1, !overflow2 else { throw .tooLarge }
                digits = added
                digitCount += 1
                index += 1
            }
            guard digitCount > 0, index < scalars.count else { throw .malformed }
            let unit = scalars[index]
            index += 1
            // Units must appear in order, each at most once: P1W2D, PT1H30M, not PT30M1H.
            let rank: Int
            let factor: Int64
            switch (inTimePart, unit) {
            case (false, "Y"), (false, "M"): throw .calendarUnit
            case (false, "W"): (rank, factor) = (0, 604_800)
            case (false, "D"): (rank, factor) = (1, 86_400)
            case (true, "H"): (rank, factor) = (2, 3_600)
            case (true, "M"): (rank, factor) = (3, 60)
            case (true, "S"): (rank, factor) = (4, 1)
            default: throw .malformed
            }
            guard rank > lastRank else { throw .malformed }
            lastRank = rank
            let (product, overflow3) = digits.multipliedReportingOverflow(by: factor)
            let (sum, overflow4) = total.addingReportingOverflow(product)
            guard !overflow3, !overflow4 else { throw .tooLarge }
            total = sum
            sawUnit = true
        }
        guard sawUnit else { throw .malformed }
        return total
    }
}

/// Why text is not a usable duration. Carries no input text, so a substituted
/// secret can never leak through it.
package enum ISO8601DurationError: Error, Sendable, Hashable, CustomStringConvertible {
    /// Not of the form `P[nW][nD][T[nH][nM][nS]]`.
    case malformed
    /// Uses years or months, which have no fixed length.
    case calendarUnit
    /// Does not fit in 64-bit seconds.
    case tooLarge

    /// What to write instead.
    package var description: String {
        switch self {
        case .malformed: return "expected \(ISO8601Duration.examples)"
        case .calendarUnit: return "years and months have no fixed length; use weeks or days, e.g. \"P30D\""
        case .tooLarge: return "duration is too large"
        }
    }
}
