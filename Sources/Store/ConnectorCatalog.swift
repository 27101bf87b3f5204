import Connectors

/// How one import changed the stored configuration.
public struct ConnectorImportResult: Sendable {
    public var connectors = 0
    /// Servers (and `send connectors`) whose earlier configuration this import replaced.
    public var replaced: [String] = []
    public var domainSecureDomains = 0

    public init() {}
}

/// What one file's import writes, the same for every store: the scopes whose current
/// configuration it replaces, one `connector_config` row per connector, and the domain-secure
/// lists when the file has them (`Get-TransportConfig`).
public struct ConnectorImportRows: Sendable {
    /// The `connector_config` columns a row fills, in the order of ``rows``' values (besides
    /// `import_id` and `current`).
    public static let columns = [
        "direction", "server", "name", "log_name", "bindings", "remote_ip_ranges", "auth_mechanisms", "require_tls",
        "tls_auth_level", "domain_secure", "tls_certificate_name", "fqdn", "address_spaces", "source_servers", "unreadable",
    ]
    /// The primary key of `connector_config` besides `import_id`: a second row with the same key
    /// in one file replaces the first.
    public static let key = ["direction", "server", "name"]

    /// (direction, server) with `""` for send connectors, which belong to the organisation.
    public var scopes: [(direction: String, server: String)] = []
    public var rows: [[SQLValue]] = []
    /// (direction, domain); nil when the file has no domain-secure lists.
    public var domains: [(direction: String, domain: String)]?

    public init(_ export: ConnectorExport) {
        for c in export.connectors where !scopes.contains(where: { $0 == (c.direction.rawValue, c.server ?? "") }) {
            scopes.append((c.direction.rawValue, c.server ?? ""))
        }
        rows = export.connectors.map { c in
            [
                .text(c.direction.rawValue), .text(c.server ?? ""), .text(c.name), .text(c.logName),
                .text(c.bindings.joined(separator: " ")), .text(c.remoteIPRanges.joined(separator: " ")),
                .text(c.authMechanisms.map(\.rawValue).joined(separator: " ")), .integer(c.requireTLS ? 1 : 0),
                .text(c.tlsAuthLevel ?? ""), .integer(c.domainSecure ? 1 : 0), .text(c.tlsCertificateName ?? ""),
                .text(c.fqdn ?? ""), .text(c.addressSpaces.joined(separator: " ")), .text(c.sourceServers.joined(separator: " ")),
                .text(c.unreadable.joined(separator: " ")),
            ]
        }
        domains = export.domainSecure.map { lists in
            lists.receive.map { (ConnectorDirection.receive.rawValue, $0) } + lists.send.map { (ConnectorDirection.send.rawValue, $0) }
        }
    }

    /// How a replaced scope is named to the user.
    public static func describe(direction: String, server: String) -> String {
        server.isEmpty ? "send connectors" : "\(server) (\(direction))"
    }
}

extension SQLiteStore {
    /// Stores one file's connectors as the current configuration of the servers it covers (and
    /// of the send connectors, which belong to the organisation), in one transaction; what it
    /// replaces stays as history (`connector_history`).
    public func importConnectors(_ export: ConnectorExport, source: String, at millis: Int64) throws -> ConnectorImportResult {
        let plan = ConnectorImportRows(export)
        var result = ConnectorImportResult()
        try db.transaction {
            let insertImport = try db.prepare("INSERT INTO connector_import (imported_at, source) VALUES (?1, ?2)")
            insertImport.bind(1, millis)
            insertImport.bind(2, source)
            try insertImport.run()
            let importID = db.lastInsertRowID
            let retire = try db.prepare("UPDATE connector_config SET current = 0 WHERE current = 1 AND direction = ?1 AND server = ?2")
            for (direction, server) in plan.scopes {
                retire.bind(1, direction)
                retire.bind(2, server)
                try retire.run()
                if db.changes > 0 { result.replaced.append(ConnectorImportRows.describe(direction: direction, server: server)) }
            }
            let columns = ConnectorImportRows.columns
            let insert = try db.prepare("""
                INSERT OR REPLACE INTO connector_config (import_id, current, \(columns.joined(separator: ", ")))
                VALUES (?1, 1, \(columns.indices.map { "?\($0 + 2)" }.joined(separator: ", ")))
                """)
            for row in plan.rows {
                insert.bind(1, importID)
                for (i, value) in row.enumerated() {
                    switch value {
                    case .integer(let v): insert.bind(Int32(i + 2), v)
                    case .text(let s): insert.bind(Int32(i + 2), s)
                    case .real, .null: insert.bindNull(Int32(i + 2))
                    }
                }
                try insert.run()
                result.connectors += 1
            }
            if let domains = plan.domains {
                try db.execute("UPDATE domain_secure_domain SET current = 0 WHERE current = 1")
                let domain = try db.prepare("INSERT OR IGNORE INTO domain_secure_domain VALUES (?1, ?2, ?3, 1)")
                for (direction, d) in domains {
                    domain.bind(1, importID)
                    domain.bind(2, direction)
                    domain.bind(3, d)
                    try domain.run()
                    result.domainSecureDomains += 1
                }
            }
        }
        return result
    }
}
