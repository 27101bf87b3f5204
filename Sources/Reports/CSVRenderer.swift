import Store

/// RFC 4180: CRLF line ends, a header row, fields quoted when they hold `,` `"` CR or LF.
///
/// Text cells come from remote parties (EHLO names, sender domains, user names) and these files
/// are opened in spreadsheets: a text cell that starts with `=`, `+`, `-`, `@`, a tab or a CR is
/// prefixed with `'` so it is shown as text, never evaluated as a formula (OWASP's advice for CSV
/// injection). Numbers are written as numbers; `query` output is neutralised the same way.
enum CSVRenderer {
    static func render(_ t: ResultTable) -> String {
        var out = t.columns.map { escape(neutralized($0)) }.joined(separator: ",") + "\r\n"
        for row in t.rows { out += row.map(cell).joined(separator: ",") + "\r\n" }
        return out
    }

    static func cell(_ v: SQLValue) -> String {
        switch v {
        case .text(let s): return escape(neutralized(s))
        default: return v.text
        }
    }

    /// A text value that a spreadsheet would read as a formula, made inert.
    static func neutralized(_ s: String) -> String {
        guard let first = s.unicodeScalars.first else { return s }
        switch first {
        case "=", "+", "-", "@", "\t", "\r": return "'" + s
        default: return s
        }
    }

    static func escape(_ s: String) -> String {
        guard s.contains(where: { $0 == "," || $0 == "\"" || $0 == "\r" || $0 == "\n" || $0 == "\r\n" }) else { return s }
        return "\"" + s.replacingAll("\"", with: "\"\"") + "\""
    }
}

extension String {
    func replacingAll(_ target: Character, with replacement: String) -> String {
        var out = ""
        for c in self { if c == target { out += replacement } else { out.append(c) } }
        return out
    }
}
