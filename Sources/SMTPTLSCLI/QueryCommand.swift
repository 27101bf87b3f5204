import ArgumentParser
import Reports
import Store

extension SMTPTLSCommand {
    struct Query: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Run one read-only SQL statement against the database.",
            discussion: """
                The database is opened read-only: a statement that would write is refused and \
                changes nothing. Views: negotiations, plaintext_sessions, tls_failures, senders, \
                legacy_senders, ingest_log (docs/schema.md).
                """)

        @OptionGroup var database: DatabaseOption
        @OptionGroup var output: OutputFormatOption

        @Option(help: "Seconds before the query is stopped.")
        var timeout: Double = 300

        @Argument(help: "The SQL statement.")
        var sql: String

        func run() throws {
            try printReport(output.format) {
                ResultTable(try ReadOnlyQuery(path: database.forReading).run(sql, timeout: timeout))
            }
        }
    }
}

/// Throws a usage error unless every given date is `YYYY-MM-DD`.
func validateDays(_ days: String?...) throws {
    for day in days.compactMap({ $0 }) where !isDay(day) {
        throw ValidationError("dates are YYYY-MM-DD, not '\(day)'")
    }
}

func isDay(_ s: String) -> Bool {
    let parts = s.split(separator: "-")
    return s.count == 10 && parts.count == 3 && parts.allSatisfy { $0.allSatisfy(\.isNumber) }
}
