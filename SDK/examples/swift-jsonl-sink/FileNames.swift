import ETLPluginKit

/// The file names the sink derives from targets and entry ids.
enum FileNames {
    /// `<target>.jsonl`, refusing a target that is not a plain file name: a `/` would write outside
    /// the configured directory, and a leading `.` would hide the file or collide with `.etl_state`.
    static func dataFile(forTarget target: String) throws(PluginError) -> String {
        guard !target.isEmpty, !target.hasPrefix("."), !target.utf8.contains(UInt8(ascii: "/")),
              !target.utf8.contains(0) else {
            throw .invalidConfig("target '\(target)' cannot be a file name: use a name without '/' that does not start with '.', e.g. \"orders\"")
        }
        return target + ".jsonl"
    }

    /// `<entry id>.json` with every byte outside `[A-Za-z0-9_.-]` (and a leading '.') written as
    /// `%XX`, so any entry id maps to one distinct, harmless file name.
    static func stateFile(forEntry entryID: String) throws(PluginError) -> String {
        guard !entryID.isEmpty else {
            throw .internalError("the load has an empty entry_id, so its resume state has no key: the host is broken")
        }
        var name = ""
        for (index, byte) in entryID.utf8.enumerated() {
            let plain = (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(byte) || (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte)
                || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) || byte == UInt8(ascii: "_") || byte == UInt8(ascii: "-")
                || (byte == UInt8(ascii: ".") && index > 0)
            if plain {
                name.unicodeScalars.append(Unicode.Scalar(byte))
            } else {
                name += "%" + (byte < 16 ? "0" : "") + String(byte, radix: 16, uppercase: true)
            }
        }
        return name + ".json"
    }
}
