/// Rows in the text format of `COPY … FROM STDIN`: values separated by tabs, rows by newlines,
/// and in a text a backslash, tab, newline or carriage return written as `\\`, `\t`, `\n`, `\r`.
/// A commit sends each rollup this way into a staging table (one round trip, parsed by the
/// server far faster than array parameters), then upserts from it in one statement.
struct PostgresCopyText {
    private(set) var bytes: [UInt8] = []
    private(set) var rows = 0
    private var startOfRow = true

    mutating func append(_ value: Int64) {
        separate()
        if value >= 0 && value < 10 {
            bytes.append(UInt8(ascii: "0") + UInt8(value))
        } else {
            bytes.append(contentsOf: String(value).utf8)
        }
    }

    mutating func append(_ value: String) {
        separate()
        for b in value.utf8 {
            switch b {
            case UInt8(ascii: "\\"): bytes.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "\\")])
            case 0x09: bytes.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "t")])
            case 0x0A: bytes.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "n")])
            case 0x0D: bytes.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "r")])
            default: bytes.append(b)
            }
        }
    }

    /// Ends the current row.
    mutating func endRow() {
        bytes.append(0x0A)
        rows += 1
        startOfRow = true
    }

    private mutating func separate() {
        if !startOfRow { bytes.append(0x09) }
        startOfRow = false
    }
}
