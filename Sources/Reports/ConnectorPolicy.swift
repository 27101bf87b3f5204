import Connectors
import Store
import TLSSessions

/// What happens to a party once protocols below the floor are switched off.
public enum Consequence: String, CaseIterable, Sendable {
    /// The session will fail: TLS is required there (RequireTLS, BasicAuthRequireTLS for an
    /// authenticating client, domain security / mutual TLS, a send connector's TlsAuthLevel).
    case breaks
    /// Opportunistic TLS: the sender retries without TLS and mail keeps flowing, unencrypted.
    case fallsBackToPlaintext = "falls_back_to_plaintext"
    /// Already negotiates at or above the floor, or does not use TLS below it.
    case unaffected
    /// No configuration covers the connector, or the logs do not say the protocol.
    case unknown
}

/// The connector configuration `impact` and `summary` consult (`smtptls connectors import`),
/// read once per report from the public views `connectors` and `domain_secure_domains`.
public struct ConnectorPolicy: Sendable {
    struct Settings: Sendable {
        var requireTLS: Bool
        var tlsAuthLevel: String?
        var domainSecure: Bool
        var authMechanisms: Set<String>
    }

    /// By direction and connector id as logged (case-insensitive: Exchange compares names so).
    private var settings: [String: Settings] = [:]
    private var secureDomains: [String: Set<String>] = [:]

    public var isEmpty: Bool { settings.isEmpty }

    private static func key(_ direction: String, _ connector: String) -> String { direction + "\u{1}" + connector.lowercased() }

    public init() {}

    public init(_ db: Snapshot) throws {
        for row in try db.rows("SELECT direction, connector, require_tls, tls_auth_level, domain_secure, auth_mechanisms FROM connectors", [], { $0 }) {
            add(direction: row.text(0), connector: row.text(1), requireTLS: row.int(2) != 0, tlsAuthLevel: row[3] == .null ? nil : row.text(3),
                domainSecure: row.int(4) != 0, authMechanisms: row.text(5).split(separator: " ").map(String.init))
        }
        for row in try db.rows("SELECT direction, domain FROM domain_secure_domains", [], { $0 }) {
            secureDomains[row.text(0), default: []].insert(row.text(1).lowercased())
        }
    }

    mutating func add(direction: String, connector: String, requireTLS: Bool, tlsAuthLevel: String?, domainSecure: Bool, authMechanisms: [String]) {
        settings[Self.key(direction, connector)] = Settings(
            requireTLS: requireTLS, tlsAuthLevel: tlsAuthLevel, domainSecure: domainSecure,
            authMechanisms: Set(authMechanisms.map { $0.lowercased() }))
    }

    /// What the logs say about one party, beside its protocols.
    struct Evidence {
        var user: String?
        var certificate = false
        var domains: [String] = []
    }

    /// The consequence of switching off the protocols below `floor` for a party in `category`,
    /// and the setting or fact that decided it.
    func decide(_ category: ImpactReport.Category, party: Party, evidence: Evidence, floor: TLSProtocol, sessionsAtOrAbove: Int64)
        -> (Consequence, String)
    {
        switch category {
        case .upgrades:
            return (.unaffected, "also negotiated \(floor.name) or later (\(sessionsAtOrAbove) sessions): it can upgrade")
        case .tlsFailures: return (.unaffected, "nothing negotiated below \(floor.name); its TLS failures happen today")
        case .plaintextOnly: return (.unaffected, "never tried TLS")
        case .protocolUnlogged: return (.unknown, "the protocol is not logged (Exchange 2010 and similar builds)")
        case .legacyOnly: break
        }
        guard let s = settings[Self.key(party.logType, party.connector)] else {
            return (.unknown, isEmpty
                ? "no connector configuration imported (smtptls connectors import)"
                : "no imported configuration for \(party.logType) connector \(party.connector)")
        }
        if s.requireTLS { return (.breaks, "RequireTLS on the \(party.logType) connector") }
        if party.logType == ConnectorDirection.send.rawValue {
            if let level = s.tlsAuthLevel { return (.breaks, "TlsAuthLevel \(level) on the send connector") }
            if s.domainSecure { return (.breaks, "domain security (mutual TLS) on the send connector") }
            return (.fallsBackToPlaintext, "opportunistic TLS: this server retries without TLS and the mail goes unencrypted")
        }
        if let user = evidence.user, s.authMechanisms.contains(AuthMechanism.basicAuthRequireTLS.rawValue.lowercased()) {
            return (.breaks, "authenticates (\(user)) where AuthMechanism has BasicAuthRequireTLS")
        }
        if s.domainSecure {
            let partners = secureDomains[ConnectorDirection.receive.rawValue] ?? []
            // A partner's domain covers its hosts: mx.fabrikam.com belongs to fabrikam.com.
            if let d = evidence.domains.first(where: { name in
                let n = name.lowercased()
                return partners.contains { n == $0 || n.hasSuffix("." + $0) }
            }) {
                return (.breaks, "domain-secured partner \(d) (mutual TLS)")
            }
            if evidence.certificate { return (.breaks, "presented a certificate on a domain-secure connector (mutual TLS)") }
        }
        if let user = evidence.user {
            return (.fallsBackToPlaintext, "opportunistic TLS: the client may retry without TLS, and \(user) would log on in plaintext")
        }
        return (.fallsBackToPlaintext, "opportunistic TLS: the sender will likely retry without TLS and the mail goes unencrypted")
    }
}
