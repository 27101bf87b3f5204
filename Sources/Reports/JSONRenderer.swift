import Store

/// An array of objects keyed by column name; integers and reals as JSON numbers, NULL as null.
enum JSONRenderer {
    static func render(_ t: ResultTable) -> String {
        var out = "["
        for (r, row) in t.rows.enumerated() {
            out += r == 0 ? "\n  {" : ",\n  {"
            for (i, value) in row.enumerated() {
                out += (i == 0 ? "" : ", ") + quote(t.columns[i]) + ": " + encode(value)
            }
            out += "}"
        }
        out += t.rows.isEmpty ? "]" : "\n]"
        return out
    }

    static func encode(_ v: SQLValue) -> String {
        switch v {
        case .null: return "null"
        case .integer(let i): return String(i)
        case .real(let d): return d.isFinite ? String(d) : "null"
        case .text(let s): return quote(s)
        }
    }

    static func quote(_ s: String) -> String {
        var out = "\""
        for scalar in s.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            default:
                if scalar.value < 0x20 || scalar.value == 0x7F {
                    let hex = String(scalar.value, radix: 16)
                    out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
                } else {
                    out.unicodeScalars.append(scalar)
                }
            }
        }
        return out + "\""
    }
}
