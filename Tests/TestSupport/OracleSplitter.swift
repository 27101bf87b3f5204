/// The slow, obviously correct reference for the scanner's field splitting: one byte at a time,
/// one line at a time, no SIMD, no chunks. Used as a test oracle only.
public enum OracleSplitter {
    public struct Line: Equatable {
        public var number: Int
        /// Unescaped fields, or nil when the line is not a well-formed record (header, blank,
        /// unterminated quote).
        public var fields: [[UInt8]]?
    }

    /// Splits complete (LF-terminated) lines; a trailing partial line is ignored.
    public static func split(_ bytes: [UInt8]) -> [Line] {
        var result: [Line] = []
        var start = 0
        var number = 0
        for i in bytes.indices where bytes[i] == 0x0A {
            number += 1
            var line = Array(bytes[start..<i])
            start = i + 1
            if line.last == 0x0D { line.removeLast() }
            if line.starts(with: [0xEF, 0xBB, 0xBF]) { line.removeFirst(3) }
            if line.isEmpty || line.first == 0x23 {
                result.append(Line(number: number, fields: nil))
                continue
            }
            result.append(Line(number: number, fields: fieldsOf(line)))
        }
        return result
    }

    static func fieldsOf(_ line: [UInt8]) -> [[UInt8]]? {
        var fields: [[UInt8]] = []
        var current: [UInt8] = []
        var i = 0
        var quoted = false
        var atFieldStart = true
        while i < line.count {
            let c = line[i]
            if atFieldStart && c == 0x22 {
                quoted = true
                atFieldStart = false
                i += 1
                continue
            }
            atFieldStart = false
            if quoted {
                if c == 0x22 {
                    if i + 1 < line.count && line[i + 1] == 0x22 {
                        current.append(0x22)
                        i += 2
                        continue
                    }
                    quoted = false
                    i += 1
                    continue
                }
                current.append(c)
            } else if c == 0x2C {
                fields.append(current)
                current = []
                atFieldStart = true
            } else {
                current.append(c)
            }
            i += 1
        }
        if quoted { return nil }
        fields.append(current)
        return fields
    }
}
