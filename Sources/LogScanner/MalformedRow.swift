/// Why a line was not accepted as a record.
public enum MalformedReason: Sendable, Equatable, CustomStringConvertible {
    /// The row has a different number of fields than `#Fields` declares.
    case fieldCount(expected: Int, found: Int)
    /// A quoted field was still open at the end of the line.
    case unterminatedQuote
    /// The line is longer than the scanner accepts (`bytes` at least).
    case lineTooLong(bytes: Int)
    /// No usable `#Fields`/`#Log-type` header for an SMTP protocol log precedes the row.
    case noHeader(String)
    /// The date-time field is not `yyyy-MM-ddTHH:mm:ss.fffZ`.
    case badTimestamp
    /// A problem found after scanning (for example an unusable session-id).
    case other(String)

    public var description: String {
        switch self {
        case .fieldCount(let e, let f): return "expected \(e) fields, found \(f)"
        case .unterminatedQuote: return "quoted field not closed before the end of the line"
        case .lineTooLong(let n): return "line longer than the limit (\(n) bytes)"
        case .noHeader(let why): return why
        case .badTimestamp: return "date-time is not yyyy-MM-ddTHH:mm:ss.fffZ"
        case .other(let why): return why
        }
    }
}

/// A rejected line: where it is, why, and its first bytes for the report.
public struct MalformedRow: Sendable, Equatable, CustomStringConvertible {
    /// 1-based physical line number within the input.
    public var line: Int
    /// Byte offset of the line's start within the (decompressed) input.
    public var offset: UInt64
    public var reason: MalformedReason
    /// Up to 120 bytes of the line, for humans (invalid UTF-8 shown as U+FFFD).
    public var excerpt: String

    public init(line: Int, offset: UInt64, reason: MalformedReason, excerpt: String) {
        self.line = line
        self.offset = offset
        self.reason = reason
        self.excerpt = excerpt
    }

    public var description: String { "line \(line): \(reason): \(excerpt)" }

    /// Makes an excerpt of at most `limit` bytes from raw line bytes.
    public static func excerpt(_ bytes: UnsafeRawBufferPointer, limit: Int = 120) -> String {
        // Control characters become `?` byte by byte (they are ASCII, and a line holds no CR LF
        // pair, so this is what replacing them as `Character`s did, at a hundredth of the cost).
        let cut = bytes[0..<min(limit, bytes.count)].map { $0 < 0x20 || $0 == 0x7F ? UInt8(ascii: "?") : $0 }
        let text = String(decoding: cut, as: UTF8.self)
        return bytes.count > limit ? text + "…" : text
    }
}
