import ArgumentParser
import Connectors
import Foundation
import Ingest
import PostgresStore
import Reports
import Store

extension SMTPTLSCommand {
    /// `smtptls connectors import|list`: the connector configuration that decides what happens
    /// to each party when old protocols are switched off.
    struct Connectors: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "connectors",
            abstract: "Import Exchange connector configuration (PowerShell JSON or CSV) and list it.",
            discussion: """
                Export on an Exchange server (docs/operations.md has the exact lines):
                  Get-ReceiveConnector | ConvertTo-Json -Depth 4 > receive.json
                  Get-SendConnector | ConvertTo-Json -Depth 4 > send.json
                  Get-TransportConfig | ConvertTo-Json > transport.json
                Export-Csv files are read too. `impact` then says, per party, whether it breaks \
                or falls back to plaintext, and why.
                """,
            subcommands: [Import.self, List.self])

        struct Import: ParsableCommand {
            static let configuration = CommandConfiguration(
                commandName: "import",
                abstract: "Store connector exports; a later import of a server replaces that server's connectors (kept as history).")

            @OptionGroup var database: DatabaseOption
            @Argument(help: "Files written by ConvertTo-Json or Export-Csv.")
            var files: [String]

            func run() throws {
                var exports: [(String, ConnectorExport)] = []
                for file in files {
                    do {
                        exports.append((file, try ConnectorExport.read(path: file)))
                    } catch let problem as ConnectorExport.Problem {
                        FileHandleOutput.standardError("error: \(problem)")
                        throw ExitCode(1)
                    }
                }
                let db = database.resolved
                let waiting = { FileHandleOutput.standardError("waiting for an smtptls ingest on \(PostgresURL.redacted(db)) to finish…") }
                let importer: (ConnectorExport, String, Int64) throws -> ConnectorImportResult
                var lock: IngestLock?
                if PostgresURL.matches(db) {
                    let store = try PostgresStore(url: db, waiting: waiting)
                    importer = store.importConnectors
                } else {
                    lock = try IngestLock(database: db, waiting: waiting)
                    let store = try SQLiteStore(path: db)
                    importer = store.importConnectors
                }
                defer { withExtendedLifetime(lock) {} }
                let now = Int64(Date().timeIntervalSince1970 * 1000)
                for (file, export) in exports {
                    for note in export.notes { FileHandleOutput.standardError("note: " + note) }
                    let result = try importer(export, file, now)
                    let receive = export.connectors.filter { $0.direction == .receive }.count
                    var parts = ["\(receive) receive and \(result.connectors - receive) send connectors"]
                    if export.domainSecure != nil { parts.append("\(result.domainSecureDomains) domain-secured domains") }
                    var line = "\(file): " + parts.joined(separator: ", ")
                    if !result.replaced.isEmpty { line += "; replaces the earlier configuration of " + result.replaced.joined(separator: ", ") }
                    FileHandleOutput.standardError(line)
                }
            }
        }

        struct List: ParsableCommand {
            static let configuration = CommandConfiguration(
                commandName: "list",
                abstract: "The current connector configuration (the `connectors` view).")

            @OptionGroup var database: DatabaseOption
            @OptionGroup var output: OutputFormatOption

            func run() throws {
                try printReport(output.format) {
                    try database.reader.read { db in
                        ResultTable(try db.table("""
                            SELECT server, direction, name, require_tls, tls_auth_level, domain_secure, auth_mechanisms,
                                   bindings, fqdn, imported_at, unreadable
                            FROM connectors ORDER BY direction, server, name
                            """))
                    }
                }
            }
        }
    }
}
