import LogScanner

/// Identifies one SMTP session within one server's logs.
///
/// Session ids are per-server counters, so the server label is part of the key: two servers'
/// equal ids are never joined. The connector is part of it because the id is only unique per
/// log writer, and log type because receive and send logs count independently.
public struct SessionKey: Hashable, Sendable, Codable {
    public var server: String
    public var logType: LogType
    public var connector: ByteString
    public var sessionID: UInt64

    public init(server: String, logType: LogType, connector: ByteString, sessionID: UInt64) {
        self.server = server
        self.logType = logType
        self.connector = connector
        self.sessionID = sessionID
    }

    /// The session id as logged: 16 upper-case hex digits.
    public var sessionIDText: String {
        let hex = String(sessionID, radix: 16, uppercase: true)
        return String(repeating: "0", count: max(0, 16 - hex.count)) + hex
    }
}
