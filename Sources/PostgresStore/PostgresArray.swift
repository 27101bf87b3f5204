/// A column of values as one PostgreSQL array literal (`{"a","b"}`, `{1,2}`): one parameter the
/// server unpacks with `unnest` or `= ANY (…)` — a commit's new texts, coverage, `copy`'s batches,
/// the texts a report looks up — so thousands of values are one statement and one round trip.
struct PostgresArray {
    /// The literal's UTF-8 so far (built as bytes: appending a `String`'s scalars one at a time
    /// cost thousands of instructions a text; docs/performance.md).
    private var bytes: [UInt8] = [0x7B]  // {
    private(set) var count = 0

    mutating func append(_ value: Int64) {
        separate()
        bytes.append(contentsOf: String(value).utf8)
    }

    /// A text element, quoted: `"` and `\` are escaped with a backslash (PostgreSQL's array
    /// syntax), so any text round-trips.
    mutating func append(_ value: String) {
        separate()
        bytes.append(0x22)
        var value = value
        value.withUTF8 { utf8 in
            if !utf8.contains(where: { $0 == 0x22 || $0 == 0x5C }) {
                bytes.append(contentsOf: utf8)
                return
            }
            for b in utf8 {
                if b == 0x22 || b == 0x5C { bytes.append(0x5C) }
                bytes.append(b)
            }
        }
        bytes.append(0x22)
    }

    private mutating func separate() {
        if count > 0 { bytes.append(0x2C) }
        count += 1
    }

    /// The literal, closed (valid UTF-8: texts' own bytes and ASCII between them).
    var text: String { String(decoding: bytes + [0x7D], as: UTF8.self) }
}

extension String {
    /// Text PostgreSQL can store: bytes that are not UTF-8 become U+FFFD and NUL is dropped
    /// (a `text` value can hold neither). Logs are UTF-8 or ASCII; docs/formats.md says what
    /// happens to others in each store.
    init(postgresText bytes: some Collection<UInt8>) {
        self = String(decoding: bytes.filter { $0 != 0 }, as: UTF8.self)
    }
}
