/// Where each known column sits in a record, read from the `#Fields:` header.
///
/// Exchange writes nine columns in a fixed order today, but the order is only promised by the
/// header, so it is never hard-coded. A column the header does not name has index -1 and reads
/// as an empty field.
public struct FieldLayout: Sendable, Equatable {
    /// The number of columns a record must have.
    public var count: Int
    public var dateTime: Int
    public var connectorID: Int
    public var sessionID: Int
    public var sequenceNumber: Int
    public var localEndpoint: Int
    public var remoteEndpoint: Int
    public var event: Int
    public var data: Int
    public var context: Int

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
        func index(_ name: String) -> Int {
            names.firstIndex { $0.trimmingSpaces.lowercased() == name } ?? -1
        }
        count = names.count
        dateTime = index("date-time")
        connectorID = index("connector-id")
        sessionID = index("session-id")
        sequenceNumber = index("sequence-number")
        localEndpoint = index("local-endpoint")
        remoteEndpoint = index("remote-endpoint")
        event = index("event")
        data = index("data")
        context = index("context")
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
