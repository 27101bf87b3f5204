#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

// The C library's byte routines (`memcmp`, `memchr`) behind the module's views of raw bytes:
// comparing and searching them without a loop over bytes in Swift.

@usableFromInline @inline(__always)
func memoryEquals(_ a: UnsafeRawPointer, _ b: UnsafeRawPointer, _ n: Int) -> Bool {
    memcmp(a, b, n) == 0
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
