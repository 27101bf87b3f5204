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
            do {
                let result = try ReadOnlyQuery(path: database.resolved).run(sql, timeout: timeout)
                FileHandleOutput.standardOutput(ResultTable(result).render(output.format))
            } catch let error as StoreError {
                FileHandleOutput.standardError("error: \(error)")
                throw ExitCode(1)
            }
        }
    }

    struct Legacy: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Remote parties that negotiated SSL 3, TLS 1.0 or TLS 1.1, most sessions first.")

        @OptionGroup var database: DatabaseOption
        @OptionGroup var output: OutputFormatOption

        @Option(help: "First day (YYYY-MM-DD, UTC) to include.")
        var since: String?
        @Option(help: "Last day (YYYY-MM-DD, UTC) to include.")
        var until: String?
        @Option(help: "Only this connector (exactly as logged).")
        var connector: String?
        @Option(help: "Only receive (clients connecting to us) or send (servers we connect to).")
        var direction: String?
        @Option(help: "Only this server label.")
        var server: String?

        func validate() throws {
            if let direction, !["receive", "send"].contains(direction) {
                throw ValidationError("--direction must be receive or send")
            }
            for day in [since, until].compactMap({ $0 }) where !isDay(day) {
                throw ValidationError("dates are YYYY-MM-DD, not '\(day)'")
            }
        }

        func run() throws {
            let report = LegacyReport(since: since, until: until, connector: connector, direction: direction, server: server)
            do {
                FileHandleOutput.standardOutput(try report.run(database: database.resolved).render(output.format))
            } catch let error as StoreError {
                FileHandleOutput.standardError("error: \(error)")
                throw ExitCode(1)
            }
        }
    }
}

func isDay(_ s: String) -> Bool {
    let parts = s.split(separator: "-")
    return s.count == 10 && parts.count == 3 && parts.allSatisfy { $0.allSatisfy(\.isNumber) }
}
