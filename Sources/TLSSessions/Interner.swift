import LogScanner

/// Gives each distinct value a small integer id, so that a session's state and a rollup key are
/// a few integers instead of strings (no reference counting, one-word hashing).
///
/// One interner belongs to one tracker's tallies (one input's, or a run's carried across its
/// inputs): ids mean nothing outside them. The values leave
/// through ``values`` when the input's tallies and boundary fragments are turned back into
/// strings (once per distinct key, not once per session).
public struct Interner<Value: Hashable & Sendable>: Sendable {
    public private(set) var values: [Value] = []
    private var ids: [Value: Int32] = [:]

    public init() {}

    /// The id of `value`, assigning the next one the first time it is seen.
    public mutating func id(_ value: Value) -> Int32 {
        if let id = ids[value] { return id }
        let id = Int32(values.count)
        values.append(value)
        ids[value] = id
        return id
    }

    public subscript(id: Int32) -> Value { values[Int(id)] }

    /// Forgets every value from id `count` on (``InternedTables/rollback(to:)``).
    mutating func truncate(to count: Int) {
        guard count < values.count else { return }
        for value in values[count...] { ids[value] = nil }
        values.removeSubrange(count...)
    }
}

/// Byte strings to ids, looked up by bytes: a value already seen costs a hash and a compare,
/// no allocation.
public struct NameInterner: Sendable {
    public private(set) var values: [ByteString] = []
    private var table = ByteTable()

    public init() {}

    public mutating func id(_ bytes: UnsafeRawBufferPointer) -> Int32 {
        let (id, inserted) = table.id(bytes)
        if inserted { values.append(ByteString(bytes)) }
        return id
    }

    public mutating func id(_ value: ByteString) -> Int32 {
        value.bytes.withUnsafeBytes { id($0) }
    }

    /// The id of a field's value as the server saw it (``FieldView/unescaped()``): read in place
    /// when the field holds no quote, as nearly every one does, so a value seen before costs a
    /// hash and a compare and no copy (a copy per certificate row was 400 instructions of
    /// allocating and freeing).
    public mutating func id(unescaping f: FieldView) -> Int32 {
        f.isQuoted ? id(f.unescaped()) : id(f.bytes)
    }

    public subscript(id: Int32) -> ByteString { values[Int(id)] }

    /// Forgets every value from id `count` on (``InternedTables/rollback(to:)``).
    mutating func truncate(to count: Int) {
        guard count < values.count else { return }
        table.truncate(to: count)
        values.removeSubrange(count...)
    }
}

/// The tables a tracker's ids point into.
public struct InternedTables: Sendable {
    /// Connector names as logged (unescaped).
    public var connectors = NameInterner()
    /// EHLO names, sender domains, user names, certificate subjects and thumbprints.
    public var names = NameInterner()
    /// TLS failure errors and authentication mechanisms.
    public var texts = Interner<String>()
    /// Negotiated suites.
    public var negotiations = Interner<Negotiation>()
    /// Remote addresses of finished sessions (the tallies' keys hold their ids).
    public var addresses = FlatInterner<RemoteAddress>()
    /// Endpoints that are not addresses, as open sessions refer to them (``SessionAddress``);
    /// not rollup values: only ``addresses`` leave the tracker.
    var addressTexts = Interner<ByteString>()

    public init() {}

    /// Whether no value was interned yet.
    public var isEmpty: Bool {
        connectors.values.isEmpty && names.values.isEmpty && texts.values.isEmpty && negotiations.values.isEmpty
            && addresses.values.isEmpty
    }

    /// How many values each table holds: where ``rollback(to:)`` returns them.
    public struct Mark: Sendable, Equatable {
        let connectors, names, texts, negotiations, addresses, addressTexts: Int
    }

    public var mark: Mark {
        Mark(
            connectors: connectors.values.count, names: names.values.count, texts: texts.values.count,
            negotiations: negotiations.values.count, addresses: addresses.values.count,
            addressTexts: addressTexts.values.count)
    }

    /// Forgets the values interned since `mark` (ids only grow, so the ids before stay valid).
    public mutating func rollback(to mark: Mark) {
        connectors.truncate(to: mark.connectors)
        names.truncate(to: mark.names)
        texts.truncate(to: mark.texts)
        negotiations.truncate(to: mark.negotiations)
        addresses.truncate(to: mark.addresses)
        addressTexts.truncate(to: mark.addressTexts)
    }

    func name(_ id: Int32?) -> ByteString? { id.map { names[$0] } }
    func text(_ id: Int32?) -> String? { id.map { texts[$0] } }

    /// An address as an open session keeps it.
    mutating func sessionAddress(_ a: RemoteAddress) -> SessionAddress {
        switch a {
        case .ipv4(let v): return .ipv4(v)
        case .ipv6(let hi, let lo): return .ipv6(hi, lo)
        case .text(let t): return .text(addressTexts.id(t))
        case .none: return .none
        }
    }

    /// The address an open session's ``SessionAddress`` stands for.
    func remoteAddress(_ a: SessionAddress) -> RemoteAddress {
        switch a {
        case .ipv4(let v): return .ipv4(v)
        case .ipv6(let hi, let lo): return .ipv6(hi, lo)
        case .text(let id): return .text(addressTexts[id])
        case .none: return .none
        }
    }
}
