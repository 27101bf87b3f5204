#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

// The C library's byte routines (`memcmp`, `memchr`) behind the module's views of raw bytes:
// comparing and searching them without a loop over bytes in Swift.

/// Whether `n` bytes at `a` and `b` are equal. Up to 64 bytes (connector names, prefixes, most
/// interned names) compared in 8-byte words inline, the last word overlapping the one before;
/// longer ones (TLS sentences) by `memcmp`. The calls through the PLT into `memcmp` were 5.3 M a
/// GB of logs at some 30 instructions each (docs/performance.md).
@inlinable @inline(__always)
public func memoryEquals(_ a: UnsafeRawPointer, _ b: UnsafeRawPointer, _ n: Int) -> Bool {
    if n >= 8 {
        guard n <= 64 else { return memcmp(a, b, n) == 0 }
        var i = 0
        while i &+ 8 < n {
            if a.loadUnaligned(fromByteOffset: i, as: UInt64.self) != b.loadUnaligned(fromByteOffset: i, as: UInt64.self) {
                return false
            }
            i &+= 8
        }
        return a.loadUnaligned(fromByteOffset: n &- 8, as: UInt64.self) == b.loadUnaligned(fromByteOffset: n &- 8, as: UInt64.self)
    }
    if n >= 4 {
        return a.loadUnaligned(as: UInt32.self) == b.loadUnaligned(as: UInt32.self)
            && a.loadUnaligned(fromByteOffset: n &- 4, as: UInt32.self) == b.loadUnaligned(fromByteOffset: n &- 4, as: UInt32.self)
    }
    var i = 0
    while i < n {
        if a.load(fromByteOffset: i, as: UInt8.self) != b.load(fromByteOffset: i, as: UInt8.self) { return false }
        i &+= 1
    }
    return true
}

@inline(__always)
func memoryCompare(_ a: UnsafeRawPointer, _ b: UnsafeRawPointer, _ n: Int) -> Int32 {
    memcmp(a, b, n)
}

extension UnsafeRawBufferPointer {
    /// The index of the first `byte` within `range` (`memchr`), nil when there is none.
    public func firstIndex(of byte: UInt8, in range: Range<Int>) -> Int? {
        guard let base = baseAddress, !range.isEmpty, range.lowerBound >= 0, range.upperBound <= count else { return nil }
        guard let hit = memchr(base + range.lowerBound, Int32(byte), range.count) else { return nil }
        return UnsafeRawPointer(hit) - base
    }

    /// The index of the last `byte` within `range` (`memchr` from each hit on: the bytes looked
    /// for are rare, and `memrchr` is not in every C library), nil when there is none.
    public func lastIndex(of byte: UInt8, in range: Range<Int>) -> Int? {
        var last: Int?
        var from = range.lowerBound
        while let hit = firstIndex(of: byte, in: from..<range.upperBound) {
            last = hit
            from = hit + 1
        }
        return last
    }
}
