/// One field of a record: a view into the scanner's buffer, outer quotes removed.
///
/// - Warning: valid only during the ``RecordSink`` call that received it. Copy what must
///   outlive the call with ``byteString`` or ``unescaped()``.
public struct FieldView {
    /// The field's bytes between the outer quotes (for a quoted field) — inner doubled quotes
    /// (`""`) are still doubled here; ``unescaped()`` removes them.
    public let bytes: UnsafeRawBufferPointer
    /// Whether the field was written in quotes (it contained `,` or `"`).
    public let isQuoted: Bool

    public init(bytes: UnsafeRawBufferPointer, isQuoted: Bool) {
        self.bytes = bytes
        self.isQuoted = isQuoted
    }

    nonisolated(unsafe) public static let empty = FieldView(bytes: UnsafeRawBufferPointer(start: nil, count: 0), isQuoted: false)

    @inlinable public var count: Int { bytes.count }
    @inlinable public var isEmpty: Bool { bytes.isEmpty }

    /// The byte at `i` (no bounds check beyond the buffer's own).
    @inlinable @inline(__always) public subscript(i: Int) -> UInt8 { bytes[i] }

    /// Whether the field starts with `prefix` (exact bytes).
    @inlinable @inline(__always)
    public func hasPrefix(_ prefix: StaticString) -> Bool {
        let n = prefix.utf8CodeUnitCount
        guard bytes.count >= n, let base = bytes.baseAddress else { return n == 0 }
        return memoryEquals(base, UnsafeRawPointer(prefix.utf8Start), n)
    }

    /// Whether the field starts with `prefix`, ignoring ASCII case (`prefix` must be lower-case).
    /// Eight bytes at a time: the field's upper-case ASCII letters are lowered in one word.
    @inlinable @inline(__always)
    public func hasPrefixIgnoringCase(_ prefix: StaticString) -> Bool {
        let n = prefix.utf8CodeUnitCount
        guard bytes.count >= n, let base = bytes.baseAddress else { return n == 0 }
        let p = UnsafeRawPointer(prefix.utf8Start)
        var i = 0
        while i < n {
            let k = min(8, n &- i)
            if Self.lowered(Self.word(base + i, k)) != Self.word(p + i, k) { return false }
            i &+= k
        }
        return true
    }

    /// Up to eight bytes at `p` as a little-endian word, zero above `count` (never reads past it).
    @inlinable @inline(__always)
    static func word(_ p: UnsafeRawPointer, _ count: Int) -> UInt64 {
        if count == 8 { return UInt64(littleEndian: p.loadUnaligned(as: UInt64.self)) }
        // Byte by byte (a prefix's length is known where this is inlined, so the loop unrolls):
        // copying into a local through its address put a stack guard around every function this
        // is inlined into, the tracker's command rows among them.
        var w: UInt64 = 0
        var i = 0
        while i < count {
            w |= UInt64(p.load(fromByteOffset: i, as: UInt8.self)) &<< UInt64(8 &* i)
            i &+= 1
        }
        return w
    }

    /// `w` with each byte `A`–`Z` turned into `a`–`z` (bytes from 0x80 up unchanged).
    @inlinable @inline(__always)
    static func lowered(_ w: UInt64) -> UInt64 {
        let ones: UInt64 = 0x0101_0101_0101_0101
        let high = ones &* 0x80
        // On the low seven bits no sum carries into the next byte.
        let low = w & (ones &* 0x7F)
        let atLeastA = (low &+ ones &* (0x80 - 0x41)) & high
        let aboveZ = (low &+ ones &* (0x80 - 0x5B)) & high
        let upper = atLeastA & ~aboveZ & ~w & high
        return w | upper >> 2
    }

    /// The field from byte `offset` on.
    public func dropFirst(_ offset: Int) -> FieldView {
        let k = min(offset, bytes.count)
        return FieldView(bytes: UnsafeRawBufferPointer(rebasing: bytes[k...]), isQuoted: isQuoted)
    }

    /// A copy of the raw bytes (doubled quotes kept as logged).
    public var byteString: ByteString { ByteString(bytes) }

    /// A copy with doubled quotes `""` turned back into `"`: the value as the server saw it.
    public func unescaped() -> ByteString {
        guard isQuoted else { return ByteString(bytes) }
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count)
        var i = 0
        while i < bytes.count {
            let c = bytes[i]
            out.append(c)
            i += (c == UInt8(ascii: "\"") && i + 1 < bytes.count && bytes[i + 1] == c) ? 2 : 1
        }
        return ByteString(out)
    }
}
