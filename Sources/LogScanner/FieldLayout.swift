/// Where each known column sits in a record, read from the `#Fields:` header.
///
/// Exchange writes nine columns in a fixed order today, but the order is only promised by the
/// header, so it is never hard-coded. A column the header does not name has index -1 and reads
/// as an empty field.
public struct FieldLayout: Sendable, Equatable {
    // Stored as one vector of bytes (a column index is below 16, -1 when absent): every record
    // carries its layout, and ten `Int`s were 80 bytes to copy per row. Lane 0 is the column
    // count, lanes 1–9 the columns in the order of the properties below.
    @usableFromInline let lanes: SIMD16<Int8>

    /// The number of columns a record must have.
    @inlinable public var count: Int { Int(lanes[0]) }
    @inlinable public var dateTime: Int { Int(lanes[1]) }
    @inlinable public var connectorID: Int { Int(lanes[2]) }
    @inlinable public var sessionID: Int { Int(lanes[3]) }
    @inlinable public var sequenceNumber: Int { Int(lanes[4]) }
    @inlinable public var localEndpoint: Int { Int(lanes[5]) }
    @inlinable public var remoteEndpoint: Int { Int(lanes[6]) }
    @inlinable public var event: Int { Int(lanes[7]) }
    @inlinable public var data: Int { Int(lanes[8]) }
    @inlinable public var context: Int { Int(lanes[9]) }

    /// The most columns a record may have; wider layouts are rejected as headers.
    public static let maximumFields = 16

    /// The layout every Exchange version writes:
    /// `date-time,connector-id,session-id,sequence-number,local-endpoint,remote-endpoint,event,data,context`.
    public static let exchangeDefault = FieldLayout(names: [
        "date-time", "connector-id", "session-id", "sequence-number", "local-endpoint",
        "remote-endpoint", "event", "data", "context",
    ])!

    /// Builds a layout from column names; `nil` when there are too many columns or the columns
    /// the analysis needs (date-time, connector-id, session-id, event) are missing.
    public init?(names: [String]) {
        guard !names.isEmpty, names.count <= FieldLayout.maximumFields else { return nil }
        let normalized = names.map { $0.trimmingSpaces.lowercased() }
        func index(_ name: String) -> Int8 {
            Int8(normalized.firstIndex(of: name) ?? -1)
        }
        var lanes = SIMD16<Int8>(repeating: -1)
        lanes[0] = Int8(names.count)
        for (lane, column) in [
            "date-time", "connector-id", "session-id", "sequence-number", "local-endpoint", "remote-endpoint", "event",
            "data", "context",
        ].enumerated() {
            lanes[lane + 1] = index(column)
        }
        self.lanes = lanes
        if dateTime < 0 || connectorID < 0 || sessionID < 0 || event < 0 { return nil }
    }
}

extension String {
    var trimmingSpaces: String {
        var s = Substring(self)
        while let f = s.first, f == " " || f == "\t" || f == "\r" { s.removeFirst() }
        while let l = s.last, l == " " || l == "\t" || l == "\r" { s.removeLast() }
        return String(s)
    }
}
