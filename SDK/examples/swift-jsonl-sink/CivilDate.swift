/// Calendar arithmetic for the ISO 8601 text of date32 and timestamp columns.
///
/// Proleptic Gregorian calendar, days counted from 1970-01-01, using the era-based conversion
/// (400-year eras of 146 097 days), which is exact for every Int64 day count this sink meets.
enum CivilDate {
    /// Year, month (1...12) and day (1...31) of `days` since 1970-01-01.
    static func components(daysSinceEpoch days: Int64) -> (year: Int64, month: Int64, day: Int64) {
        let shifted = days + 719_468  // days from 0000-03-01, so leap days fall at the end of a year
        let era = (shifted >= 0 ? shifted : shifted - 146_096) / 146_097
        let dayOfEra = shifted - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1_460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let shiftedMonth = (5 * dayOfYear + 2) / 153  // 0 = March
        let day = dayOfYear - (153 * shiftedMonth + 2) / 5 + 1
        let month = shiftedMonth < 10 ? shiftedMonth + 3 : shiftedMonth - 9
        let year = yearOfEra + era * 400 + (month <= 2 ? 1 : 0)
        return (year, month, day)
    }

    /// Appends `YYYY-MM-DD`. Years outside 0...9999 use ISO 8601's expanded form: a sign and at
    /// least four digits ("+10000-01-01", "-0001-12-31").
    static func appendDate(daysSinceEpoch days: Int64, to out: inout [UInt8]) {
        let (year, month, day) = components(daysSinceEpoch: days)
        if year < 0 {
            out.append(UInt8(ascii: "-"))
            appendPadded(-year, width: 4, to: &out)
        } else if year > 9999 {
            out.append(UInt8(ascii: "+"))
            appendPadded(year, width: 4, to: &out)
        } else {
            appendPadded(year, width: 4, to: &out)
        }
        out.append(UInt8(ascii: "-"))
        appendPadded(month, width: 2, to: &out)
        out.append(UInt8(ascii: "-"))
        appendPadded(day, width: 2, to: &out)
    }

    /// Appends `YYYY-MM-DDTHH:MM:SS.ffffffZ` for microseconds since the epoch (UTC).
    static func appendTimestamp(microsecondsSinceEpoch micros: Int64, to out: inout [UInt8]) {
        let microsPerDay: Int64 = 86_400_000_000
        // Floor division: -1 µs is the last microsecond of 1969-12-31, not of 1970-01-01.
        var days = micros / microsPerDay
        var remainder = micros % microsPerDay
        if remainder < 0 {
            days -= 1
            remainder += microsPerDay
        }
        appendDate(daysSinceEpoch: days, to: &out)
        let seconds = remainder / 1_000_000
        out.append(UInt8(ascii: "T"))
        appendPadded(seconds / 3600, width: 2, to: &out)
        out.append(UInt8(ascii: ":"))
        appendPadded(seconds / 60 % 60, width: 2, to: &out)
        out.append(UInt8(ascii: ":"))
        appendPadded(seconds % 60, width: 2, to: &out)
        out.append(UInt8(ascii: "."))
        appendPadded(remainder % 1_000_000, width: 6, to: &out)
        out.append(UInt8(ascii: "Z"))
    }

    /// Appends a non-negative number in decimal, left-padded with zeros to `width` digits.
    private static func appendPadded(_ value: Int64, width: Int, to out: inout [UInt8]) {
        let digits = String(value).utf8
        if digits.count < width {
            out.append(contentsOf: repeatElement(UInt8(ascii: "0"), count: width - digits.count))
        }
        out.append(contentsOf: digits)
    }
}
