import ArgumentParser
import Reports
import Store
import TLSSessions

extension SMTPTLSCommand {
    struct Legacy: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "legacy",
            abstract: "Remote parties that negotiated SSL 3, TLS 1.0 or TLS 1.1, most sessions first.",
            discussion: """
                With EHLO names, sender domains and authenticated users from the same sessions. \
                Sessions with no disconnect row yet that already negotiated legacy TLS are \
                mentioned on stderr.
                """)

        @OptionGroup var database: DatabaseOption
        @OptionGroup var scope: ReportOptions
        @OptionGroup var output: OutputFormatOption
        @OptionGroup var width: WideOption

        func run() throws {
            try printReport(output.format) {
                let (table, notes) = try LegacyReport(filter: scope.filter).run(database.reader)
                for note in notes { FileHandleOutput.standardError("note: " + note) }
                return width.shaped(table, format: output.format, narrow: LegacyReport.narrowColumns)
            }
        }
    }

    struct Impact: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "impact",
            abstract: "Who would be affected if protocols below a floor (default TLS 1.2) were disabled now, and how.",
            discussion: """
                Every remote party seen in the window, in the first category that applies: \
                legacy_only (negotiated only protocols below the floor), upgrades (also \
                negotiated at or above the floor: it would likely upgrade), tls_failures (TLS \
                negotiations that failed), protocol_unlogged (STARTTLS on a build that does not \
                log the protocol, such as Exchange 2010: unknown risk), plaintext_only (sent mail \
                without ever trying TLS). Parties already at or above the floor are not listed; \
                probes that never sent mail are counted, not listed.

                The column consequence says what happens to each: breaks (its connector \
                requires TLS: RequireTLS, BasicAuthRequireTLS for a client that logs on, domain \
                security or a client certificate, a send connector's TlsAuthLevel), \
                falls_back_to_plaintext (opportunistic TLS: mail keeps flowing, unencrypted), \
                unaffected, or unknown; the column reason says which setting decided. It needs \
                the connector configuration: smtptls connectors import.

                A count per category goes to stderr. Without --since/--until the window is the \
                last 30 days of data (what parties do now is what breaks now); --all takes \
                everything.
                """)

        @OptionGroup var database: DatabaseOption
        @OptionGroup var scope: ReportOptions
        @OptionGroup var output: OutputFormatOption
        @OptionGroup var width: WideOption

        @Option(help: "The lowest protocol that stays enabled.")
        var floor = ProtocolFloor(.tls12)

        @Flag(help: "All data instead of the last 30 days (when --since/--until are not given).")
        var all = false

        /// Days of data `impact` covers by default.
        static let defaultWindowDays = 30

        func validate() throws {
            if all && (scope.since != nil || scope.until != nil) {
                throw ValidationError("--all covers every day: leave out --since/--until, or --all")
            }
        }

        func run() throws {
            try printReport(output.format) {
                let report = ImpactReport(
                    filter: scope.filter, floor: floor.value, defaultWindowDays: all ? nil : Self.defaultWindowDays)
                let result = try report.run(database.reader)
                for note in result.notes { FileHandleOutput.standardError(note) }
                return width.shaped(result.table, format: output.format, narrow: ImpactReport.narrowColumns)
            }
        }
    }
}

/// Prints a report in the chosen format; database errors become a message and exit status 1.
func printReport(_ format: OutputFormat, _ make: () throws -> ResultTable) throws {
    do {
        FileHandleOutput.standardOutput(try make().render(format))
    } catch let error as StoreError {
        FileHandleOutput.standardError("error: \(error)")
        throw ExitCode(1)
    }
}
