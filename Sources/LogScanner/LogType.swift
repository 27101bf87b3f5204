/// Which protocol log a record comes from, as named by the `#Log-type:` header.
public enum LogType: UInt8, Sendable, Hashable, Codable, CaseIterable {
    /// `SMTP Receive Protocol Log`: this server accepted the connection.
    case receive
    /// `SMTP Send Protocol Log`: this server opened the connection.
    case send

    /// The value stored in the database and printed in reports: `receive` or `send`.
    public var name: String { self == .receive ? "receive" : "send" }

    /// Parses `receive` / `send` (as printed by ``name``).
    public init?(name: String) {
        switch name.lowercased() {
        case "receive": self = .receive
        case "send": self = .send
        default: return nil
        }
    }
}
