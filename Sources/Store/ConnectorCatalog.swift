import Connectors

/// How one import changed the stored configuration.
public struct ConnectorImportResult: Sendable {
    public var connectors = 0
    /// Servers (and `send connectors`) whose earlier configuration this import replaced.
    public var replaced: [String] = []
    public var domainSecureDomains = 0
}

extension SQLiteStore {
    /// Stores one file's connectors as the current configuration of the servers it covers (and
    /// of the send connectors, which belong to the organisation), in one transaction; what it
    /// replaces stays as history (`connector_history`).
    public func importConnectors(_ export: ConnectorExport, source: String, at millis: Int64) throws -> ConnectorImportResult {
        var result = ConnectorImportResult()
        try db.transaction {
            let insertImport = try db.prepare("INSERT INTO connector_import (imported_at, source) VALUES (?1, ?2)")
            insertImport.bind(1, millis)
            insertImport.bind(2, source)
            try insertImport.run()
            let importID = db.lastInsertRowID
            // Scopes this file covers: (direction, server) with '' for send connectors.
            var scopes: [(ConnectorDirection, String)] = []
            for c in export.connectors where !scopes.contains(where: { $0 == (c.direction, c.server ?? "") }) {
                scopes.append((c.direction, c.server ?? ""))
            }
            let retire = try db.prepare("UPDATE connector_config SET current = 0 WHERE current = 1 AND direction = ?1 AND server = ?2")
            for (direction, server) in scopes {
                retire.bind(1, direction.rawValue)
                retire.bind(2, server)
                try retire.run()
                if db.changes > 0 { result.replaced.append(server.isEmpty ? "send connectors" : "\(server) (\(direction.rawValue))") }
            }
            let insert = try db.prepare("""
                INSERT OR REPLACE INTO connector_config (import_id, direction, server, name, log_name, bindings,
                  remote_ip_ranges, auth_mechanisms, require_tls, tls_auth_level, domain_secure, tls_certificate_name,
                  fqdn, address_spaces, source_servers, unreadable, current)
                VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, 1)
                """)
            for c in export.connectors {
                insert.bind(1, importID)
                insert.bind(2, c.direction.rawValue)
                insert.bind(3, c.server ?? "")
                insert.bind(4, c.name)
                insert.bind(5, c.logName)
                insert.bind(6, c.bindings.joined(separator: " "))
                insert.bind(7, c.remoteIPRanges.joined(separator: " "))
                insert.bind(8, c.authMechanisms.map(\.rawValue).joined(separator: " "))
                insert.bind(9, c.requireTLS ? 1 : 0)
                insert.bind(10, c.tlsAuthLevel ?? "")
                insert.bind(11, c.domainSecure ? 1 : 0)
                insert.bind(12, c.tlsCertificateName ?? "")
                insert.bind(13, c.fqdn ?? "")
                insert.bind(14, c.addressSpaces.joined(separator: " "))
                insert.bind(15, c.sourceServers.joined(separator: " "))
                insert.bind(16, c.unreadable.joined(separator: " "))
                try insert.run()
                result.connectors += 1
            }
            if let lists = export.domainSecure {
                try db.execute("UPDATE domain_secure_domain SET current = 0 WHERE current = 1")
                let domain = try db.prepare("INSERT OR IGNORE INTO domain_secure_domain VALUES (?1, ?2, ?3, 1)")
                for (direction, domains) in [(ConnectorDirection.receive, lists.receive), (.send, lists.send)] {
                    for d in domains {
                        domain.bind(1, importID)
                        domain.bind(2, direction.rawValue)
                        domain.bind(3, d)
                        try domain.run()
                        result.domainSecureDomains += 1
                    }
                }
            }
        }
        return result
    }

}
