import CByteSearch

/// Cache prefetch hints for the merge's lookups into tables the cache no longer holds.
///
/// A batch's tables (rollup keys, addresses, names) are merged into once per input, after the
/// input's scan has streamed megabytes through the cache, so each lookup misses two to four
/// times in a row (the slot, then the entry it points at). ``PrefetchPipeline`` runs a batch of
/// lookups with those misses started several lookups ahead, so they overlap (docs/performance.md,
/// "The merge waits on memory"). A prefetch is only a hint: it reads nothing the program sees,
/// cannot fault, and a stale address (a table grown since) only wastes it.
@usableFromInline
enum Prefetch {
    /// Hints that `buffer[index]` will be read soon; `index` must be within the buffer. Its last
    /// byte too when the element can straddle two cache lines (a stride larger than its
    /// alignment, as a 40-byte key's): with only the first line asked for, comparing a 72-byte
    /// identity key's last fields still waited on memory (three fifths of the identity tally's
    /// add, sampled with `perf`; docs/performance.md). A slot or a hash (stride = alignment)
    /// lies in one line: one hint.
    @inlinable @inline(__always)
    static func element<T>(_ buffer: UnsafeBufferPointer<T>, _ index: Int) {
        let start = UnsafeRawPointer(buffer.baseAddress! + index)
        smtptls_prefetch(start)
        if MemoryLayout<T>.stride > MemoryLayout<T>.alignment {
            smtptls_prefetch(start + (MemoryLayout<T>.stride &- 1))
        }
    }
}

/// Runs `body(0 ..< count)` in order, calling `slot(j + 2d)` and `entry(j + d)` before
/// `body(j)`, d = ``distance``: `slot` prefetches where a lookup's slot is, `entry` reads that
/// slot (arrived by then) and prefetches the entry it points at.
@usableFromInline
enum PrefetchPipeline {
    /// Lookups ahead; 8 and 16 measured alike on the large-file corpus, 1 (no pipeline) twice as slow.
    @usableFromInline static var distance: Int { 8 }

    /// Slots from which a table's lookups go through the pipeline: below, the table stays in the
    /// cache across a merge and the pipeline's extra arrays only cost instructions.
    @usableFromInline static var fromSlots: Int { 1 << 15 }

    @inlinable @inline(__always)
    static func run(count: Int, slot: (Int) -> Void, entry: (Int) -> Void, body: (Int) -> Void) {
        let d = distance
        for j in 0..<min(2 &* d, count) { slot(j) }
        for j in 0..<min(d, count) { entry(j) }
        for j in 0..<count {
            if j &+ 2 &* d < count { slot(j &+ 2 &* d) }
            if j &+ d < count { entry(j &+ d) }
            body(j)
        }
    }
}
