/// Aligned plain-text columns; numbers right-aligned; long cells cut at 60 characters.
enum TableRenderer {
    static func render(_ t: ResultTable) -> String {
        let cells = t.rows.map { row in row.map { clip(sanitize($0.text)) } }
        var widths = t.columns.map(displayWidth)
        for row in cells { for (i, c) in row.enumerated() { widths[i] = max(widths[i], displayWidth(c)) } }
        let numeric = t.columns.indices.map { i in
            !t.rows.isEmpty && t.rows.allSatisfy { row in
                if case .integer = row[i] { return true }
                if case .real = row[i] { return true }
                return row[i] == .null
            }
        }
        func line(_ values: [String]) -> String {
            values.enumerated().map { i, v in
                let pad = String(repeating: " ", count: widths[i] - displayWidth(v))
                return numeric[i] ? pad + v : v + pad
            }.joined(separator: "  ").trailingSpacesRemoved
        }
        var out = [line(t.columns), line(widths.map { String(repeating: "-", count: $0) })]
        out += cells.map(line)
        out.append("(\(t.rows.count) row\(t.rows.count == 1 ? "" : "s"))")
        return out.joined(separator: "\n")
    }

    /// Terminal columns a string takes: East Asian wide characters take two.
    static func displayWidth(_ s: String) -> Int {
        // ASCII (most cells): one column per byte.
        if s.utf8.allSatisfy({ $0 < 0x80 }) { return s.utf8.count }
        return s.unicodeScalars.reduce(0) { width, scalar in
            let v = scalar.value
            let wide = (0x1100...0x115F).contains(v) || (0x2E80...0xA4CF).contains(v) || (0xAC00...0xD7A3).contains(v)
                || (0xF900...0xFAFF).contains(v) || (0xFE30...0xFE4F).contains(v) || (0xFF00...0xFF60).contains(v)
                || (0xFFE0...0xFFE6).contains(v) || (0x1F300...0x1FAFF).contains(v) || (0x20000...0x3FFFD).contains(v)
            let zeroWidth = (0x0300...0x036F).contains(v) || v == 0x200B
            return width + (zeroWidth ? 0 : wide ? 2 : 1)
        }
    }

    /// Control characters (from attacker-controlled EHLO names) never reach the terminal.
    static func sanitize(_ s: String) -> String {
        if !s.utf8.contains(where: { $0 < 0x20 || $0 == 0x7F }) { return s }
        return String(s.unicodeScalars.map { $0.value < 0x20 || $0.value == 0x7F ? "?" : Character($0) })
    }

    static func clip(_ s: String) -> String {
        // A string of at most 60 bytes has at most 60 characters: no need to count them.
        if s.utf8.count <= 60 { return s }
        return s.count > 60 ? String(s.prefix(59)) + "…" : s
    }
}

extension String {
    var trailingSpacesRemoved: String {
        var s = Substring(self)
        while s.last == " " { s.removeLast() }
        return String(s)
    }
}
