import ETLPluginKit

/// A stable idempotency key from a record's key columns: the same values give the same key in
/// every run and process (FNV-1a, not Swift's per-process seeded `Hasher`), so a retried or
/// re-run request is recognisable to a server that de-duplicates by the key.
struct IdempotencyKey: Sendable {
    /// The header that carries the key (`Idempotency-Key`).
    let header: String
    /// The columns the key is made of.
    let columns: [String]

    /// The key for a record: 32 hex digits.
    func key(for record: JSONObject, target: String) throws(PluginError) -> String {
        var text = target
        for column in columns {
            text += "\u{1F}" + column + "=" + (try BodyTemplate.column(column, record)).serialized()
        }
        return Self.digest(text)
    }

    /// 32 hex digits derived from `text` (two FNV-1a hashes with different offsets).
    static func digest(_ text: String) -> String {
        hex(fnv1a(text, basis: 0xcbf2_9ce4_8422_2325)) + hex(fnv1a(text, basis: 0x8422_2325_cbf2_9ce4))
    }

    private static func fnv1a(_ text: String, basis: UInt64) -> UInt64 {
        var hash = basis
        for byte in text.utf8 {
            hash ^= UInt64(byte)
            hash = hash &* 0x0000_0100_0000_01B3
        }
        return hash
    }

    private static func hex(_ value: UInt64) -> String {
        String(value, radix: 16).leftPadded(to: 16)
    }
}
