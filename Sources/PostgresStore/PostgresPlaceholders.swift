/// Statements written for SQLite (`?` and `?N` placeholders) in PostgreSQL's spelling (`$N`).
///
/// SQLite numbers a bare `?` one past the largest number used so far in the statement, so
/// `day BETWEEN ?1 AND ?2 AND connector = ?` binds the connector as `$3`; the same rule applies
/// here. Question marks inside string literals, quoted names and comments are left alone.
enum PostgresPlaceholders {
    static func translate(_ sql: String) -> String {
        var out = ""
        out.reserveCapacity(sql.utf8.count + 8)
        var highest = 0
        var chars = Array(sql.unicodeScalars)[...]
        while let c = chars.popFirst() {
            switch c {
            case "'", "\"":
                // A literal or quoted name runs to the next unpaired quote ('' inside is one quote).
                out.unicodeScalars.append(c)
                while let d = chars.popFirst() {
                    out.unicodeScalars.append(d)
                    if d == c {
                        if chars.first == c { out.unicodeScalars.append(chars.removeFirst()) } else { break }
                    }
                }
            case "-" where chars.first == "-":
                out.unicodeScalars.append(c)
                while let d = chars.popFirst() {
                    out.unicodeScalars.append(d)
                    if d == "\n" { break }
                }
            case "?":
                var digits = ""
                while let d = chars.first, ("0"..."9").contains(d) { digits.unicodeScalars.append(chars.removeFirst()) }
                let number = Int(digits) ?? highest + 1
                highest = max(highest, number)
                out += "$\(number)"
            default:
                out.unicodeScalars.append(c)
            }
        }
        return out
    }
}
