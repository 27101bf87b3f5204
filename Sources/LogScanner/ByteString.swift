/// Bytes that left the hot path: a connector name, an EHLO name, a sender domain.
///
/// Kept as bytes rather than `String` because the logs carry wire bytes unchanged and these
/// values must reach the database exactly as logged, even when they are not valid UTF-8.
public struct ByteString: Hashable, Comparable, Sendable, Codable, CustomStringConvertible,
    ExpressibleByStringLiteral
{
    public var bytes: [UInt8]

    public init(_ bytes: [UInt8]) { self.bytes = bytes }
    public init(_ buffer: UnsafeRawBufferPointer) { self.bytes = Array(buffer) }
    public init(_ string: String) { self.bytes = Array(string.utf8) }
    public init(stringLiteral value: String) { self.init(value) }

    public var isEmpty: Bool { bytes.isEmpty }
    public var count: Int { bytes.count }

    /// The bytes as text; invalid UTF-8 becomes U+FFFD. For display only.
    public var description: String { String(decoding: bytes, as: UTF8.self) }

    /// The bytes lower-cased in ASCII (host and domain names compare case-insensitively).
    public var asciiLowercased: ByteString {
        ByteString(bytes.map { $0 >= 0x41 && $0 <= 0x5A ? $0 | 0x20 : $0 })
    }

    /// Hashes the bytes as one block (the synthesized version hashes byte by byte).
    public func hash(into hasher: inout Hasher) {
        bytes.withUnsafeBytes { hasher.combine(bytes: $0) }
        hasher.combine(bytes.count)
    }

    public static func == (a: ByteString, b: ByteString) -> Bool { a.bytes == b.bytes }

    public static func < (a: ByteString, b: ByteString) -> Bool {
        precedes(a.bytes, b.bytes)
    }

    /// Byte order, as SQLite's `BINARY` collation and PostgreSQL's `"C"` compare texts: one
    /// `memcmp` over the shorter length, then the shorter first (a generic
    /// `lexicographicallyPrecedes` goes byte by byte).
    public static func precedes(_ a: [UInt8], _ b: [UInt8]) -> Bool {
        let n = min(a.count, b.count)
        let c = n == 0 ? 0 : a.withUnsafeBytes { a in b.withUnsafeBytes { b in memoryCompare(a.baseAddress!, b.baseAddress!, n) } }
        return c != 0 ? c < 0 : a.count < b.count
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        bytes = try container.decode([UInt8].self)
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(bytes)
    }
}
