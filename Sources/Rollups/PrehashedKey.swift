/// A rollup key that hashes its fields once, when it is made.
///
/// Keys are made on the scanning threads; the serial merge then moves every key of every input
/// into the batch, and rehashing the strings of each key there (connector, EHLO, sender domain,
/// certificate subject…) was most of that thread's time. With the hash stored, the merge hashes
/// one integer; equality still compares every field, so distinct keys never merge.
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
