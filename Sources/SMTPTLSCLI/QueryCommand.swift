import ArgumentParser
import LogScanner
import PostgresStore
import Reports
import Store

extension SMTPTLSCommand {
    struct Query: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "query",
            abstract: "Run one read-only SQL statement against the database.",
            discussion: """
                The database is opened read-only: a statement that would write is refused and \
                changes nothing. Views: negotiations, plaintext_sessions, tls_failures, senders, \
                legacy_senders, identities, auth_failures, unfinished_sessions, hourly_coverage, \
                ingest_log, connectors, connector_history, domain_secure_domains, texts (the text of \
                each *_id column), suites (docs/schema.md).
                """)

        @OptionGroup var database: DatabaseOption
        @OptionGroup var output: OutputFormatOption

        @Option(help: "Seconds before the query is stopped (0: no limit).")
        var timeout: Double = 300

        @Argument(help: "The SQL statement.")
        var sql: String

        func validate() throws {
            if timeout < 0 || !timeout.isFinite { throw ValidationError("--timeout is seconds, 0 or more (0: no limit)") }
        }

        func run() throws {
            let db = database.resolved
            try printReport(output.format) {
                PostgresURL.matches(db)
                    ? ResultTable(try PostgresQuery.run(url: db, sql, timeout: timeout))
                    : ResultTable(try ReadOnlyQuery(path: database.sqliteForReading).run(sql, timeout: timeout))
            }
        }
    }
}

/// A usage error unless `since` is on or before `until`.
func validateWindow(_ since: UTCDay?, _ until: UTCDay?) throws {
    if let since, let until, since > until {
        throw ValidationError("--since \(since) is after --until \(until)")
    }
}
