/// Parquet's RLE / bit-packing hybrid (Encodings.md, "Run Length Encoding / Bit-Packing Hybrid"),
/// used for definition levels and dictionary indices.
///
/// A run of eight or more equal values becomes an RLE run (header `count << 1`, then the value in
/// `ceil(bitWidth / 8)` little-endian bytes); everything else is bit-packed in groups of eight
/// (header `groups << 1 | 1`, values packed from the least significant bit). Only the last group
/// may be padded, which readers allow because they know how many values the page holds.
enum RLEHybridEncoder {
    /// Encodes `values`, each below `1 << bitWidth`.
    static func encode(_ values: [UInt32], bitWidth: Int) -> [UInt8] {
        precondition((0...32).contains(bitWidth))
        var output: [UInt8] = []
        output.reserveCapacity(values.count * max(bitWidth, 1) / 8 + 16)
        var literals: [UInt32] = []
        var index = 0
        while index < values.count {
            let value = values[index]
            var runEnd = index + 1
            while runEnd < values.count && values[runEnd] == value { runEnd += 1 }
            var runLength = runEnd - index
            if runLength >= 8 && literals.count % 8 != 0 {
                // Top the pending literals up to a whole group from the run, so the run can follow them.
                let fill = 8 - literals.count % 8
                literals.append(contentsOf: repeatElement(value, count: fill))
                index += fill
                runLength -= fill
            }
            if runLength >= 8 {
                flushLiterals(&literals, bitWidth: bitWidth, into: &output)
                appendRun(value: value, count: runLength, bitWidth: bitWidth, into: &output)
            } else {
                literals.append(contentsOf: repeatElement(value, count: runLength))
            }
            index += runLength
        }
        flushLiterals(&literals, bitWidth: bitWidth, into: &output)
        return output
    }

    /// The bits needed for values up to `maximum` (at least 1, which every reader accepts).
    static func bitWidth(forMaximum maximum: UInt32) -> Int {
        max(1, 32 - maximum.leadingZeroBitCount)
    }

    private static func appendRun(value: UInt32, count: Int, bitWidth: Int, into output: inout [UInt8]) {
        appendVarint(UInt64(count) << 1, into: &output)
        let valueBytes = (bitWidth + 7) / 8
        for byte in 0..<valueBytes { output.append(UInt8(truncatingIfNeeded: value >> (8 * byte))) }
    }

    private static func flushLiterals(_ literals: inout [UInt32], bitWidth: Int, into output: inout [UInt8]) {
        guard !literals.isEmpty else { return }
        let groups = (literals.count + 7) / 8
        literals.append(contentsOf: repeatElement(0, count: groups * 8 - literals.count))
        appendVarint(UInt64(groups) << 1 | 1, into: &output)
        var accumulator: UInt64 = 0
        var bits = 0
        for value in literals {
            accumulator |= UInt64(value) << bits
            bits += bitWidth
            while bits >= 8 {
                output.append(UInt8(truncatingIfNeeded: accumulator))
                accumulator >>= 8
                bits -= 8
            }
        }
        // groups * 8 values of bitWidth bits is a whole number of bytes: nothing is left over.
        literals.removeAll(keepingCapacity: true)
    }

    static func appendVarint(_ value: UInt64, into output: inout [UInt8]) {
        var rest = value
        while rest >= 0x80 {
            output.append(UInt8(truncatingIfNeeded: rest) | 0x80)
            rest >>= 7
        }
        output.append(UInt8(rest))
    }
}
