/// A key that hashes its fields once, when it is made: the decoded rollup keys (strings and
/// all; ``SessionRollupKey``) use it. Keys of ids count in a ``TallyTable`` instead.
///
/// A Swift dictionary compares whole keys on every probe, and moving keys between dictionaries
/// rehashes them; with the hash stored, a probe usually stops at one integer compare and a move
/// hashes one integer. Equality still compares every field, so distinct keys never merge.
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
