import CByteSearch
import LogScanner

/// The last few distinct texts of one column and their ids, compared in place: a log
/// interleaves a handful of connectors, and a row's connector is nearly always one of them.
///
/// A lookup compares the field's length (and quoting) with each entry's and the bytes of the
/// one that matches, all inline in the tracker's row dispatch — the ``RowCache`` behind it
/// hashes, calls and checks more (about 125 instructions a row against 40 here, docs/
/// performance.md). Texts longer than ``width`` bytes are not kept; past ``entries`` distinct
/// texts the oldest entry is replaced.
struct RecentFields: Sendable {
    static let entries = 8
    static let width = 64

    /// Per entry: the field's length, plus 1 << 32 when it was quoted (the same bytes quoted
    /// and unquoted unescape differently); -1: empty.
    private var tags = [Int](repeating: -1, count: entries)
    private var ids = [Int32](repeating: 0, count: entries)
    /// Entry e's bytes at e * width. Invariant (the compares below read through a pointer): an
    /// entry holds a field of at most `width` bytes, and its tag says how many, so a compare of
    /// a field whose length matched stays inside both the array and the field.
    private var bytes = [UInt8](repeating: 0, count: entries * width)
    private var nextReplaced = 0

    @inline(__always)
    private static func tag(_ f: FieldView) -> Int { f.count | (f.isQuoted ? 1 << 32 : 0) }

    /// The id remembered for exactly `f`'s bytes and quoting, if any.
    @inline(__always)
    func id(of f: FieldView) -> Int32? {
        let tag = Self.tag(f)
        guard f.count <= Self.width, let field = f.bytes.baseAddress else { return nil }
        return bytes.withUnsafeBytes { stored -> Int32? in
            for e in 0..<Self.entries where tags[e] == tag {
                if smtptls_bytes_equal(stored.baseAddress! + e &* Self.width, field, f.count) != 0 { return ids[e] }
            }
            return nil
        }
    }

    /// Remembers `f`'s id (after ``id(of:)`` found none), replacing the oldest entry.
    mutating func remember(_ f: FieldView, id: Int32) {
        guard f.count <= Self.width, let field = f.bytes.baseAddress else { return }
        let e = nextReplaced
        nextReplaced = (e + 1) % Self.entries
        tags[e] = Self.tag(f)
        ids[e] = id
        bytes.withUnsafeMutableBytes { ($0.baseAddress! + e * Self.width).copyMemory(from: field, byteCount: f.count) }
    }
}
