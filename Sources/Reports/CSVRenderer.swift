import Store

/// RFC 4180: CRLF line ends, a header row, fields quoted when they hold `,` `"` CR or LF.
///
/// Text cells come from remote parties (EHLO names, sender domains, user names) and these files
/// are opened in spreadsheets: a text cell that starts with `=`, `+`, `-`, `@`, a tab or a CR is
/// prefixed with `'` so it is shown as text, never evaluated as a formula (OWASP's advice for CSV
/// injection). Numbers are written as numbers; `query` output is neutralised the same way.
///
/// Written as bytes into one buffer: comparing `Character`s and joining a `String` per row made
/// rendering a third of `impact --format csv` (docs/performance.md).
enum CSVRenderer {
    static func render(_ t: ResultTable) -> String {
        var out: [UInt8] = []
        out.reserveCapacity(64 * (t.rows.count + 1))
        for (i, column) in t.columns.enumerated() {
            if i > 0 { out.append(0x2C) }
            appendText(column, to: &out)
        }
        out += [0x0D, 0x0A]
        for row in t.rows {
            for (i, value) in row.enumerated() {
                if i > 0 { out.append(0x2C) }
                switch value {
                case .text(let s): appendText(s, to: &out)
                default: out += value.text.utf8
                }
            }
            out += [0x0D, 0x0A]
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// One text cell: made inert when a spreadsheet would read it as a formula, quoted (its
    /// quotes doubled) when it holds `,` `"` CR or LF.
    static func appendText(_ s: String, to out: inout [UInt8]) {
        let utf8 = s.utf8
        let formula: Bool
        switch utf8.first {
        case 0x3D, 0x2B, 0x2D, 0x40, 0x09, 0x0D: formula = true  // = + - @ tab CR
        default: formula = false
        }
        let quoted = utf8.contains { $0 == 0x2C || $0 == 0x22 || $0 == 0x0D || $0 == 0x0A }
        if formula && !quoted { out.append(0x27) }
        guard quoted else {
            out.append(contentsOf: utf8)  // most cells: one copy
            return
        }
        out.append(0x22)
        if formula { out.append(0x27) }
        for b in utf8 {
            out.append(b)
            if b == 0x22 { out.append(0x22) }
        }
        out.append(0x22)
    }
}
