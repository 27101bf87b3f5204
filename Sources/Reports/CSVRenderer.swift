/// RFC 4180: CRLF line ends, a header row, fields quoted when they hold `,` `"` CR or LF.
enum CSVRenderer {
    static func render(_ t: ResultTable) -> String {
        var out = t.columns.map(escape).joined(separator: ",") + "\r\n"
        for row in t.rows { out += row.map { escape($0.text) }.joined(separator: ",") + "\r\n" }
        return out
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
