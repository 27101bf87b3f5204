import Connectors
import Store

extension PostgresStore {
    /// `smtptls connectors import` into PostgreSQL: as ``SQLiteStore/importConnectors(_:source:at:)``
    /// does it, the same rows (``ConnectorImportRows``) in one transaction, while this process
    /// holds the collectors' lock (an import never interleaves with a commit).
    public func importConnectors(_ export: ConnectorExport, source: String, at millis: Int64) throws -> ConnectorImportResult {
        let plan = ConnectorImportRows(export)
        var result = ConnectorImportResult()
        try db.transaction {
            let importID = try db.query(
                "INSERT INTO connector_import (imported_at, source) VALUES ($1, $2) RETURNING id", [String(millis), source]
            ).rows.first?[0] ?? "0"
            for (direction, server) in plan.scopes {
                let retired = try db.query(
                    "UPDATE connector_config SET current = 0 WHERE current = 1 AND direction = $1 AND server = $2 RETURNING 1",
                    [direction, server])
                if !retired.rows.isEmpty { result.replaced.append(ConnectorImportRows.describe(direction: direction, server: server)) }
            }
            let columns = ConnectorImportRows.columns
            let update = columns.filter { !ConnectorImportRows.key.contains($0) }.map { "\($0) = excluded.\($0)" }
            let insert = """
                INSERT INTO connector_config (import_id, current, \(columns.joined(separator: ", ")))
                VALUES ($1, 1, \(columns.indices.map { "$\($0 + 2)" }.joined(separator: ", ")))
                ON CONFLICT (import_id, \(ConnectorImportRows.key.joined(separator: ", "))) DO UPDATE SET \(update.joined(separator: ", "))
                """
            for row in plan.rows {
                try db.query(insert, [importID] + row.map { value -> String? in value == .null ? nil : value.text })
                result.connectors += 1
            }
            if let domains = plan.domains {
                try db.execute("UPDATE domain_secure_domain SET current = 0 WHERE current = 1")
                for (direction, domain) in domains {
                    try db.query("INSERT INTO domain_secure_domain VALUES ($1, $2, $3, 1) ON CONFLICT DO NOTHING", [importID, direction, domain])
                    result.domainSecureDomains += 1
                }
            }
        }
        return result
    }
}
