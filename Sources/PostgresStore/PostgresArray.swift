/// A column of values as one PostgreSQL array literal (`{"a","b"}`, `{1,2}`): one parameter the
/// server unpacks with `unnest` or `= ANY (…)` — a commit's new texts, coverage, `copy`'s batches,
/// the texts a report looks up — so thousands of values are one statement and one round trip.
struct PostgresArray {
    private(set) var literal = "{"
    private(set) var count = 0

    mutating func append(_ value: Int64) {
        separate()
        literal += String(value)
    }

    /// A text element, quoted: `"` and `\` are escaped with a backslash (PostgreSQL's array
    /// syntax), so any text round-trips.
    mutating func append(_ value: String) {
        separate()
        literal.append("\"")
        for c in value.unicodeScalars {
            if c == "\"" || c == "\\" { literal.unicodeScalars.append("\\") }
            literal.unicodeScalars.append(c)
        }
        literal.append("\"")
    }

    private mutating func separate() {
        if count > 0 { literal.append(",") }
        count += 1
    }

    /// The literal, closed.
    var text: String { literal + "}" }
}

extension String {
    /// Text PostgreSQL can store: bytes that are not UTF-8 become U+FFFD and NUL is dropped
    /// (a `text` value can hold neither). Logs are UTF-8 or ASCII; docs/formats.md says what
    /// happens to others in each store.
    init(postgresText bytes: some Collection<UInt8>) {
        self = String(decoding: bytes.filter { $0 != 0 }, as: UTF8.self)
    }
}
