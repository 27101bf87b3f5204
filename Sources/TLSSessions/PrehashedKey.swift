/// A key that hashes its fields once, when it is made: the tracker's tallies, the deltas' keys
/// of ids and the store's decoded keys all use it.
///
/// A Swift dictionary compares whole keys on every probe, and moving keys between dictionaries
/// (the serial merge) rehashes them; with the hash stored, a probe usually stops at one integer
/// compare and a move hashes one integer. Equality still compares every field, so distinct keys
/// never merge.
@dynamicMemberLookup
public struct PrehashedKey<Fields: Hashable & Sendable>: Hashable, Sendable {
    public let fields: Fields
    private let fieldsHash: Int

    public init(_ fields: Fields) {
        self.fields = fields
        fieldsHash = fields.hashValue
    }

    public subscript<T>(dynamicMember path: KeyPath<Fields, T>) -> T { fields[keyPath: path] }

    public static func == (a: Self, b: Self) -> Bool { a.fieldsHash == b.fieldsHash && a.fields == b.fields }

    public func hash(into hasher: inout Hasher) { hasher.combine(fieldsHash) }
}
