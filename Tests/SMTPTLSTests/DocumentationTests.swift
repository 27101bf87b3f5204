import Foundation
import LogGenerator
import Store
import Testing
import TestSupport

@Suite("Documentation stays true")
struct DocumentationTests {
    static var repository: URL { SampleLogsTests.repository }

    /// The ```sql blocks of a markdown file.
    static func sqlBlocks(_ file: String) throws -> [String] {
        let text = try String(contentsOf: repository.appendingPathComponent(file), encoding: .utf8)
        var blocks: [String] = []
        var current: [String]?
        for line in text.components(separatedBy: "\n") {
            if line.hasPrefix("```sql") { current = [] } else if line.hasPrefix("```"), let c = current {
                blocks.append(c.joined(separator: "\n"))
                current = nil
            } else if current != nil { current!.append(line) }
        }
        return blocks
    }

    @Test("every example query in docs/schema.md runs and returns rows on a generated database")
    func schemaExamples() throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let logs = dir.url.appendingPathComponent("logs")
        var config = GeneratorConfig()
        config.hours = 30  // two days, so "since yesterday" has an answer
        config.sessionsPerHour = 10
        _ = try CorpusGenerator.generate(config, into: logs)
        let db = dir.file("t.sqlite")
        _ = try ingest([logs.path], db: db)
        // The generator logs no refused logins: add the hand-written ones.
        _ = try ingest([try dir.write("EX09/RECV.LOG", RealLogShapesTests.authLog().bytes())], db: db, server: "EX09")
        let blocks = try Self.sqlBlocks("docs/schema.md")
        #expect(blocks.count == 7)
        for sql in blocks {
            let result = try ReadOnlyQuery(path: db).run(sql)
            #expect(!result.rows.isEmpty, "\(sql)")
        }
    }

    @Test("the views have exactly the documented public columns, in order")
    func viewColumns() throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let db = dir.file("t.sqlite")
        _ = try SQLiteStore(path: db)
        let expected: [String: [String]] = [
            "negotiations": ["day", "log_type", "connector", "remote_ip", "protocol", "role", "cipher", "cipher_bits", "mac",
                             "mac_bits", "key_exchange", "key_exchange_bits", "sessions", "first_seen", "last_seen",
                             "server", "legacy", "weak_reasons", "protocol_unlogged", "activity", "first_seen_ms",
                             "last_seen_ms", "server_id", "connector_id", "remote_id", "suite_id"],
            "plaintext_sessions": ["day", "log_type", "connector", "remote_ip", "sessions", "first_seen", "last_seen", "server",
                                   "activity", "first_seen_ms", "last_seen_ms", "server_id", "connector_id", "remote_id"],
            "tls_failures": ["day", "log_type", "connector", "remote_ip", "error", "sessions", "first_seen", "last_seen", "server",
                             "first_seen_ms", "last_seen_ms", "server_id", "connector_id", "remote_id", "error_id"],
            "senders": ["log_type", "connector", "remote_ip", "ehlo", "sessions", "first_seen", "last_seen", "server",
                        "server_id", "connector_id", "remote_id", "ehlo_id"],
            "hourly_coverage": ["day", "hour", "server", "log_type", "sessions"],
            "legacy_senders": ["log_type", "connector", "remote_ip", "protocols", "legacy_sessions", "modern_sessions",
                               "ehlo_names", "sender_domains", "auth_users", "first_seen", "last_seen", "server",
                               "certificate_subjects", "certificate_thumbprints", "server_id", "connector_id", "remote_id"],
            "auth_failures": ["day", "log_type", "connector", "remote_ip", "user", "mechanism", "error", "sessions",
                              "first_seen", "last_seen", "server", "first_seen_ms", "last_seen_ms", "server_id", "connector_id", "remote_id"],
            "identities": ["day", "log_type", "connector", "remote_ip", "outcome", "protocol", "ehlo", "sender_domain",
                           "auth_user", "certificate_subject", "certificate_thumbprint", "sessions", "first_seen",
                           "last_seen", "server", "legacy", "first_seen_ms", "last_seen_ms", "server_id", "connector_id", "remote_id", "ehlo_id",
                           "sender_domain_id", "auth_user_id", "certificate_subject_id", "certificate_thumbprint_id"],
            "unfinished_sessions": ["log_type", "connector", "remote_ip", "protocol", "last_seen", "server", "legacy"],
            "connectors": ["server", "direction", "name", "bindings", "remote_ip_ranges", "auth_mechanisms", "require_tls",
                           "tls_auth_level", "domain_secure", "tls_certificate_name", "fqdn", "imported_at", "connector",
                           "address_spaces", "source_servers", "unreadable", "source"],
            "connector_history": ["server", "direction", "name", "require_tls", "tls_auth_level", "domain_secure",
                                  "auth_mechanisms", "imported_at", "current", "source"],
            "domain_secure_domains": ["direction", "domain", "imported_at"],
            "texts": ["id", "value"],
            "suites": ["id", "protocol", "role", "cipher", "cipher_bits", "mac", "mac_bits", "key_exchange",
                       "key_exchange_bits", "weak_reasons"],
        ]
        for (view, columns) in expected {
            #expect(try ReadOnlyQuery(path: db).run("SELECT * FROM \(view) LIMIT 0").columns == columns, "\(view)")
        }
    }
}
