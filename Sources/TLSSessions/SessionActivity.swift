/// How far a session got before it ended: tells mail senders from probes.
///
/// Load-balancer health checks, port scans and monitoring connect and disconnect, or say EHLO and
/// QUIT, without ever sending mail; on a front end they can be most sessions. They are not
/// "plaintext senders": only a session that issued `MAIL FROM` is (docs/formats.md).
public enum SessionActivity: UInt8, Sendable, Codable, Comparable, CaseIterable {
    /// No command at all: connect, banner, disconnect.
    case none
    /// EHLO or HELO, but no `MAIL FROM`.
    case greeted
    /// `MAIL FROM` issued.
    case mail

    /// The stored name: `none`, `greeted`, `mail`.
    public var name: String {
        switch self {
        case .none: return "none"
        case .greeted: return "greeted"
        case .mail: return "mail"
        }
    }

    /// The name as an SQL string literal.
    public var sql: String { "'\(name)'" }

    /// An SQL condition on a view's `activity` column for sessions that sent mail; rows stored
    /// before activity was recorded (NULL) count as mail, as they did then.
    public static func sentMail(_ column: String) -> String { "(\(column) = \(SessionActivity.mail.sql) OR \(column) IS NULL)" }

    /// An SQL condition for probes: sessions known not to have sent mail.
    public static func probe(_ column: String) -> String {
        "\(column) IN (\(SessionActivity.none.sql), \(SessionActivity.greeted.sql))"
    }

    public static func < (a: Self, b: Self) -> Bool { a.rawValue < b.rawValue }
}
