import CByteSearch

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

// Comparing and searching raw bytes without a loop over bytes in Swift: the kernel header's
// inline compare for equality, the C library's `memcmp` and `memchr` for the rest.

/// Whether `n` bytes at `a` and `b` are equal: the kernel header's inline `smtptls_bytes_equal`
/// (SSE2 up to 64 bytes, `memcmp` beyond), so the tracker's short compares make no call. Through
/// the PLT into `memcmp` they were 5.3 M calls a GB of logs at some 30 instructions each, and an
/// 8-byte word loop in Swift cost more than that on 30–60-byte names (docs/performance.md).
@inlinable @inline(__always)
public func memoryEquals(_ a: UnsafeRawPointer, _ b: UnsafeRawPointer, _ n: Int) -> Bool {
    smtptls_bytes_equal(a, b, n) != 0
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
