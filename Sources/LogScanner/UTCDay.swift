/// A calendar day in UTC: the unit of every rollup and report window.
///
/// Owns the floor division of log times (negative times included) and the `YYYY-MM-DD` text, so
/// nothing else divides by 86,400,000 or formats a day by hand.
public struct UTCDay: Hashable, Comparable, Sendable, Codable, CustomStringConvertible {
    /// Days since 1970-01-01.
    public var number: Int64

    public init(number: Int64) { self.number = number }

    /// The day a log time (milliseconds since the epoch, UTC) falls on.
    public init(millis: Int64) {
        number = millis >= 0 ? millis / 86_400_000 : (millis - 86_399_999) / 86_400_000
    }

    /// Parses `YYYY-MM-DD`, accepting only days that exist (`2024-02-30` and `2024-13-01` do not).
    public init?(_ text: String) {
        let parts = text.split(separator: "-", omittingEmptySubsequences: false)
        guard text.utf8.count == 10, parts.count == 3, parts[0].count == 4, parts[1].count == 2, parts[2].count == 2,
            parts.allSatisfy({ $0.allSatisfy { $0 >= "0" && $0 <= "9" } }),
            let y = Int64(parts[0]), let m = Int64(parts[1]), let d = Int64(parts[2]),
            (1...12).contains(m), (1...31).contains(d)
        else { return nil }
        let n = Timestamp.daysFromCivil(year: y, month: m, day: d)
        // A day past the month's end (Feb 30) comes back as another date.
        let back = Timestamp.civil(fromDays: n)
        guard back.year == y, back.month == m, back.day == d else { return nil }
        number = n
    }

    /// `YYYY-MM-DD`.
    public var description: String { Timestamp.day(startMillis) }

    /// Log time of the day's midnight.
    public var startMillis: Int64 { number * 86_400_000 }

    public func adding(days: Int64) -> UTCDay { UTCDay(number: number + days) }

    /// Appends `YYYY-MM-DD` as bytes (no String on the commit path).
    public func appendText(to out: inout [UInt8]) {
        let (y, m, d) = Timestamp.civil(fromDays: number)
        UTCDay.appendDigits(y, 4, &out)
        out.append(0x2D)
        UTCDay.appendDigits(m, 2, &out)
        out.append(0x2D)
        UTCDay.appendDigits(d, 2, &out)
    }

    /// Appends `v` as exactly `width` decimal digits (zero-padded; years before 0 are clamped).
    static func appendDigits(_ v: Int64, _ width: Int, _ out: inout [UInt8]) {
        var digits: (UInt8, UInt8, UInt8, UInt8) = (0, 0, 0, 0)
        var rest = max(0, v)
        withUnsafeMutableBytes(of: &digits) { d in
            for i in stride(from: width - 1, through: 0, by: -1) {
                d[i] = UInt8(rest % 10) + 0x30
                rest /= 10
            }
            out.append(contentsOf: d[0..<width])
        }
    }

    public static func < (a: UTCDay, b: UTCDay) -> Bool { a.number < b.number }

    public init(from decoder: any Decoder) throws {
        let text = try decoder.singleValueContainer().decode(String.self)
        guard let day = UTCDay(text) else {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: "not a day: \(text)"))
        }
        self = day
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.singleValueContainer()
        try c.encode(description)
    }
}

/// An hour in UTC: the unit of log coverage.
public struct UTCHour: Hashable, Comparable, Sendable {
    /// Hours since 1970-01-01T00Z.
    public var number: Int64

    public init(number: Int64) { self.number = number }

    public init(millis: Int64) {
        number = millis >= 0 ? millis / 3_600_000 : (millis - 3_599_999) / 3_600_000
    }

    /// Parses `YYYY-MM-DDTHH` (how coverage stores hours); nil for anything else.
    public static func parse(_ text: String) -> UTCHour? {
        let parts = text.split(separator: "T")
        guard parts.count == 2, let day = UTCDay(String(parts[0])), parts[1].count == 2, let h = Int64(parts[1]), (0...23).contains(h)
        else { return nil }
        return UTCHour(number: day.number * 24 + h)
    }

    public var day: UTCDay { UTCDay(millis: number * 3_600_000) }
    /// 0–23.
    public var hourOfDay: Int { Int(number - day.number * 24) }
    /// `YYYY-MM-DDTHH`, as stored in the coverage table.
    public var description: String { String(Timestamp.iso(number * 3_600_000).prefix(13)) }

    /// Appends `YYYY-MM-DDTHH` as bytes.
    public func appendText(to out: inout [UInt8]) {
        day.appendText(to: &out)
        out.append(0x54)
        UTCDay.appendDigits(Int64(hourOfDay), 2, &out)
    }

    public static func < (a: UTCHour, b: UTCHour) -> Bool { a.number < b.number }
}
