import ETLArrow

/// How a decimal128 value is stored in SQLite, which has no exact decimal type: a column
/// declared `NUMERIC(P,S)` has NUMERIC affinity and keeps INTEGER (64-bit) and REAL (double)
/// values, and converts numeric text to one of them, keeping about 15 significant digits
/// (`'12345678901234567.89'` becomes the integer 12345678901234568). So, to store exactly what
/// the value holds or nothing:
///
/// * a whole value (no non-zero digit after the point) within int64 is bound as an INTEGER;
/// * a value of at most 15 significant digits is bound as the double nearest to it, which SQLite
///   prints back with the same digits (15 significant digits survive a double both ways); a whole
///   value bound so becomes an INTEGER by the NUMERIC affinity, as SQLite does with any REAL;
/// * anything else cannot be stored exactly, and the load fails naming the value: storing it
///   would change its digits silently.
enum SQLiteDecimalStorage {
    /// Most significant digits SQLite keeps of a REAL exactly (DBL_DIG).
    static let exactRealDigits = 15

    enum Stored: Equatable {
        case integer(Int64)
        case real(Double)
        /// Too many significant digits for either storage class.
        case inexact
    }

    static func storage(of value: ArrowDecimal) -> Stored {
        let unscaled = value.unscaled
        let divisor = ArrowDecimal.powersOfTen[Int(value.scale)]
        let (whole, fraction) = unscaled.quotientAndRemainder(dividingBy: divisor)
        if fraction == 0, let integer = Int64(exactly: whole) { return .integer(integer) }
        var magnitude = unscaled.magnitude
        while magnitude % 10 == 0 { magnitude /= 10 }
        guard String(magnitude).count <= exactRealDigits else { return .inexact }
        return .real(value.doubleValue)
    }

    /// The message for a value `storage` called inexact.
    static func inexactMessage(_ value: ArrowDecimal, column: String, row: Int64, target: String, database: String) -> String {
        "target \(SQLIdentifier.quoted(target)) in \(database): row \(row) of the load has \(value.text) in decimal column \(SQLIdentifier.quoted(column)), which SQLite cannot store exactly (a NUMERIC column keeps whole numbers within 64 bits, or \(exactRealDigits) significant digits); the load was rolled back. To keep every digit, cast the column to \"string\" in the entry's transforms; to accept rounding, cast it to \"double\""
    }
}
