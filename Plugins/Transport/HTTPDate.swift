import ETLArrow

/// Reads the IMF-fixdate form of HTTP dates (RFC 9110 §5.6.7), `Sun, 06 Nov 1994 08:49:37 GMT`,
/// the form servers must send.
enum HTTPDate {
    private static let months = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"]

    /// Seconds since the Unix epoch, or nil when `text` is not an IMF-fixdate.
    static func epochSeconds(_ text: String) -> Int64? {
        // "Sun, 06 Nov 1994 08:49:37 GMT" → ["Sun,", "06", "Nov", "1994", "08:49:37", "GMT"]
        let parts = text.split(separator: " ")
        guard parts.count == 6, parts[5] == "GMT", let day = Int64(parts[1]),
              let monthIndex = months.firstIndex(of: parts[2].lowercased()), let year = Int64(parts[3]) else { return nil }
        let clock = parts[4].split(separator: ":")
        guard clock.count == 3, let hour = Int64(clock[0]), let minute = Int64(clock[1]), let second = Int64(clock[2]),
              ArrowCivilTime.isValidDate(year: year, month: Int64(monthIndex + 1), day: day),
              hour < 24, minute < 60, second < 61 else { return nil }
        let days = ArrowCivilTime.daysFromCivil(year: year, month: Int64(monthIndex + 1), day: day)
        return days * 86_400 + hour * 3_600 + minute * 60 + second
    }
}
