/// The closed vocabularies shared by the store, the reports and the command line, each spelled
/// once here and turned into SQL lists where queries need them.

/// How a session ended, as stored in the rollups' `outcome` (docs/schema.md, "Session outcomes").
public enum OutcomeKind: String, Sendable, CaseIterable, Codable {
    /// A negotiation row was logged.
    case tls
    /// STARTTLS accepted, no negotiation row (Exchange 2010 and builds that do not log the suite).
    case tlsUnlogged = "tls_unlogged"
    /// TLS attempted and failed.
    case failed
    /// No TLS attempt.
    case plaintext

    public var name: String { rawValue }
    /// The name as an SQL string literal: `'tls_unlogged'`.
    public var sql: String { "'\(rawValue)'" }

    /// The case as a small number (hashing and compact keys: no string).
    public var ordinal: UInt8 {
        switch self {
        case .tls: return 0
        case .tlsUnlogged: return 1
        case .failed: return 2
        case .plaintext: return 3
        }
    }

    public func hash(into hasher: inout Hasher) { hasher.combine(ordinal) }
}

extension SessionOutcome {
    public var kind: OutcomeKind {
        switch self {
        case .negotiated: return .tls
        case .encryptedUnlogged: return .tlsUnlogged
        case .failed: return .failed
        case .plaintext: return .plaintext
        }
    }
}

extension TLSProtocol {
    /// The protocols below TLS 1.2 (PCT1 included).
    public static let legacy: [TLSProtocol] = allCases.filter(\.isLegacy)

    /// The protocols below `floor`, oldest first.
    public static func below(_ floor: TLSProtocol) -> [TLSProtocol] { allCases.filter { $0 < floor } }

    /// An SQL list of protocol names: `('PCT1','SSL2',…)`; `('')` when empty (matches nothing real).
    public static func sqlList(_ protocols: [TLSProtocol]) -> String {
        protocols.isEmpty ? "('')" : "(" + protocols.map { "'\($0.name)'" }.joined(separator: ",") + ")"
    }
}
