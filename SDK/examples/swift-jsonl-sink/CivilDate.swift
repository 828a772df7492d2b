import ETLArrow

/// The ISO 8601 text of date32 and timestamp columns. The calendar arithmetic (days to a date,
/// timestamps to a day and a time of day) is ETLArrow's `ArrowCivilTime`; only the text is here.
enum CivilDate {
    /// Appends `YYYY-MM-DD`. Years outside 0...9999 use ISO 8601's expanded form: a sign and at
    /// least four digits ("+10000-01-01", "-0001-12-31").
    static func appendDate(daysSinceEpoch days: Int64, to out: inout [UInt8]) {
        let (year, month, day) = ArrowCivilTime.civilFromDays(days)
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
        let (days, microsecondOfDay) = ArrowCivilTime.splitTimestamp(microseconds: micros)
        let time = ArrowCivilTime.timeOfDay(microsecondOfDay: microsecondOfDay)
        appendDate(daysSinceEpoch: days, to: &out)
        out.append(UInt8(ascii: "T"))
        appendPadded(time.hour, width: 2, to: &out)
        out.append(UInt8(ascii: ":"))
        appendPadded(time.minute, width: 2, to: &out)
        out.append(UInt8(ascii: ":"))
        appendPadded(time.second, width: 2, to: &out)
        out.append(UInt8(ascii: "."))
        appendPadded(time.microsecond, width: 6, to: &out)
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
