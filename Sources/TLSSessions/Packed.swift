// Optional values kept in the bytes of their value alone, for the structures of which a run holds
// many and copies often: the tallies' rollup keys (a one-job run's identity table outgrows the
// cache) and the open sessions (copied into and out of their table). An `Int32?` takes eight
// bytes with its tag and padding, an `Int64?` sixteen; these take four and eight
// (docs/performance.md, "A native profile").

/// An optional id in four bytes: -1 for none (ids are dense indexes, never negative).
@propertyWrapper
public struct PackedID: Hashable, Sendable {
    @usableFromInline var raw: Int32

    @inlinable public init(wrappedValue: Int32?) { raw = wrappedValue ?? -1 }

    @inlinable public var wrappedValue: Int32? {
        get { raw < 0 ? nil : raw }
        set { raw = newValue ?? -1 }
    }

    // Inlinable, so that comparing a key in another module compares integers in place.
    @inlinable public static func == (a: Self, b: Self) -> Bool { a.raw == b.raw }
    @inlinable public func hash(into hasher: inout Hasher) { hasher.combine(raw) }
}

/// A day number (days since 1970-01-01) in four bytes: every day of a four-digit year fits.
@propertyWrapper
public struct PackedDay: Hashable, Sendable {
    @usableFromInline var raw: Int32

    @inlinable public init(wrappedValue: Int64) { raw = Int32(truncatingIfNeeded: wrappedValue) }

    @inlinable public var wrappedValue: Int64 {
        get { Int64(raw) }
        set { raw = Int32(truncatingIfNeeded: newValue) }
    }

    @inlinable public static func == (a: Self, b: Self) -> Bool { a.raw == b.raw }
    @inlinable public func hash(into hasher: inout Hasher) { hasher.combine(raw) }
}

/// An optional time (milliseconds since the epoch) in eight bytes: `Int64.min` for none (no
/// time of a four-digit year comes near it).
@propertyWrapper
struct PackedTime: Sendable {
    var raw: Int64

    init(wrappedValue: Int64?) { raw = wrappedValue ?? .min }

    var wrappedValue: Int64? {
        get { raw == .min ? nil : raw }
        set { raw = newValue ?? .min }
    }
}

/// A count of a session's rows in four bytes (a session would need 2^31 rows to overflow it).
@propertyWrapper
struct PackedCount: Sendable {
    var raw: Int32

    init(wrappedValue: Int) { raw = Int32(truncatingIfNeeded: wrappedValue) }

    var wrappedValue: Int {
        get { Int(raw) }
        set { raw = Int32(truncatingIfNeeded: newValue) }
    }
}
