/// Aligned plain-text columns; numbers right-aligned; long cells cut at 60 characters.
enum TableRenderer {
    static func render(_ t: ResultTable) -> String {
        let cells = t.rows.map { row in row.map { clip(sanitize($0.text)) } }
        var widths = t.columns.map(\.count)
        for row in cells { for (i, c) in row.enumerated() { widths[i] = max(widths[i], c.count) } }
        let numeric = t.columns.indices.map { i in
            !t.rows.isEmpty && t.rows.allSatisfy { row in
                if case .integer = row[i] { return true }
                if case .real = row[i] { return true }
                return row[i] == .null
            }
        }
        func line(_ values: [String]) -> String {
            values.enumerated().map { i, v in
                let pad = String(repeating: " ", count: widths[i] - v.count)
                return numeric[i] ? pad + v : v + pad
            }.joined(separator: "  ").trailingSpacesRemoved
        }
        var out = [line(t.columns), line(widths.map { String(repeating: "-", count: $0) })]
        out += cells.map(line)
        out.append("(\(t.rows.count) row\(t.rows.count == 1 ? "" : "s"))")
        return out.joined(separator: "\n")
    }

    /// Control characters (from attacker-controlled EHLO names) never reach the terminal.
    static func sanitize(_ s: String) -> String {
        String(s.unicodeScalars.map { $0.value < 0x20 || $0.value == 0x7F ? "?" : Character($0) })
    }

    static func clip(_ s: String) -> String { s.count > 60 ? String(s.prefix(59)) + "…" : s }
}

extension String {
    var trailingSpacesRemoved: String {
        var s = Substring(self)
        while s.last == " " { s.removeLast() }
        return String(s)
    }
}
