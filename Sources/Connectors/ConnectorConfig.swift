/// Which way a connector carries mail, as the logs name it.
public enum ConnectorDirection: String, Sendable, CaseIterable {
    /// A receive connector (`Get-ReceiveConnector`): logged as `SERVER\Name`.
    case receive
    /// A send connector (`Get-SendConnector`): logged by its name.
    case send
}

/// An Exchange authentication mechanism offered on a receive connector (`AuthMechanism`).
/// Windows PowerShell 5.1 writes the flags as one number, PowerShell 7 (and `Export-Csv`) as
/// names separated by commas.
public enum AuthMechanism: String, Sendable, CaseIterable {
    case tls = "Tls"
    case integrated = "Integrated"
    case basicAuth = "BasicAuth"
    case basicAuthRequireTLS = "BasicAuthRequireTLS"
    case exchangeServer = "ExchangeServer"
    case externalAuthoritative = "ExternalAuthoritative"

    /// The flag's bit in the number PowerShell 5.1 writes (`None` is 0).
    public var bit: Int {
        switch self {
        case .tls: return 1
        case .integrated: return 2
        case .basicAuth: return 4
        case .basicAuthRequireTLS: return 8
        case .exchangeServer: return 16
        case .externalAuthoritative: return 32
        }
    }

    /// The mechanisms of a number or of names (`Tls, BasicAuth`); nil when something is neither.
    static func parse(_ value: PowerShellValue) -> [AuthMechanism]? {
        if case .number(let n) = value {
            let bits = Int(n)
            guard bits >= 0, bits < 64 else { return nil }
            return allCases.filter { bits & $0.bit != 0 }
        }
        var found: [AuthMechanism] = []
        for word in value.items {
            if word.lowercased() == "none" { continue }
            if let bits = Int(word) {
                found += allCases.filter { bits & $0.bit != 0 }
                continue
            }
            guard let m = allCases.first(where: { $0.rawValue.lowercased() == word.lowercased() }) else { return nil }
            found.append(m)
        }
        return allCases.filter(found.contains)
    }
}

/// A connector's configuration as far as TLS decides what happens to its parties.
public struct ConnectorConfig: Sendable, Equatable {
    public var direction: ConnectorDirection
    /// The server of a receive connector; nil for a send connector (they belong to the
    /// organisation; `sourceServers` says which servers use it).
    public var server: String?
    public var name: String
    public var bindings: [String] = []
    public var remoteIPRanges: [String] = []
    public var authMechanisms: [AuthMechanism] = []
    public var requireTLS = false
    /// Send connectors: `EncryptionOnly`, `CertificateValidation`, `DomainValidation` (or the
    /// number PowerShell 5.1 wrote); nil when not set.
    public var tlsAuthLevel: String?
    public var domainSecure = false
    public var tlsCertificateName: String?
    public var fqdn: String?
    public var addressSpaces: [String] = []
    public var sourceServers: [String] = []
    /// Properties that could not be read (cut off by `-Depth` or `Export-Csv`), by name.
    public var unreadable: [String] = []

    public init(direction: ConnectorDirection, server: String?, name: String) {
        self.direction = direction
        self.server = server
        self.name = name
    }

    /// The connector id the protocol logs show: `SERVER\Name` for receive, the name for send.
    public var logName: String {
        switch direction {
        case .receive: return server.map { "\($0)\\\(name)" } ?? name
        case .send: return name
        }
    }
}

/// The organisation's domain-secured (mutual TLS) partners, from `Get-TransportConfig`.
public struct DomainSecureLists: Sendable, Equatable {
    public var receive: [String] = []
    public var send: [String] = []
    public init(receive: [String] = [], send: [String] = []) {
        self.receive = receive
        self.send = send
    }
}
