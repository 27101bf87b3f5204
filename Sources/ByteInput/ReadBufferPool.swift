/// The read buffers of ``ReadFileSource``, kept from one input to the next.
///
/// A buffer allocated and freed per input let the allocator's heap grow: other allocations
/// settle in a freed buffer's place, and the next input's buffer is carved further on, touching
/// fresh pages each time — 768 hourly files read on two threads peaked at 245 MB resident
/// instead of 60 (docs/performance.md). Buffers taken from here are reused instead: resident
/// memory stays at one buffer per reading thread.
///
/// Buffers are held by their addresses (plain integers, so the list is `Sendable`); a buffer
/// is in the list only while no reader holds it, and at most ``kept`` are listed (more are freed
/// when given back).
public enum ReadBufferPool {
    /// Bytes per buffer: a `read(2)` that the scanner then reads while it is still in the
    /// core's second-level cache.
    public static let size = 256 << 10
    static let kept = 64
    /// A `LockedValue` (a pthread mutex) that ThreadSanitizer sees, not `Synchronization.Mutex`.
    private static let free = LockedValue<[UInt]>([])

    /// A buffer of ``size`` bytes, reused when one is free.
    static func take() -> UnsafeMutableRawBufferPointer {
        if let address = free.withLock({ $0.popLast() }), let start = UnsafeMutableRawPointer(bitPattern: address) {
            return UnsafeMutableRawBufferPointer(start: start, count: size)
        }
        return .allocate(byteCount: size, alignment: 64)
    }

    /// Returns a buffer from ``take()``; the caller no longer touches it.
    static func give(_ buffer: UnsafeMutableRawBufferPointer) {
        guard let start = buffer.baseAddress, buffer.count == size else { return }
        let listed = free.withLock { list -> Bool in
            guard list.count < kept else { return false }
            list.append(UInt(bitPattern: start))
            return true
        }
        if !listed { buffer.deallocate() }
    }
}
