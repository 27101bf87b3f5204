import ArgumentParser
import Reports
import Store

extension SMTPTLSCommand {
    struct Legacy: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Remote parties that negotiated SSL 3, TLS 1.0 or TLS 1.1, most sessions first.",
            discussion: "With EHLO names, sender domains and authenticated users from the same sessions.")

        @OptionGroup var database: DatabaseOption
        @OptionGroup var scope: ReportOptions
        @OptionGroup var output: OutputFormatOption

        func run() throws {
            try printReport(output.format) { try LegacyReport(filter: scope.filter).run(database: database.forReading) }
        }
    }

    struct Impact: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Who would be affected if protocols below a floor (default TLS 1.2) were disabled now.",
            discussion: """
                Every remote party seen in the window, in the first category that applies: \
                breaks (negotiated only protocols below the floor: it would fail or fall back to \
                plaintext), upgrades (also negotiated at or above the floor: it would likely \
                upgrade), tls_failures (TLS negotiations that failed), plaintext_only (never tried \
                TLS). Parties already at or above the floor are not listed. A count per category \
                goes to stderr.
                """)

        @OptionGroup var database: DatabaseOption
        @OptionGroup var scope: ReportOptions
        @OptionGroup var output: OutputFormatOption

        @Option(help: "The lowest protocol that stays enabled: TLS1.1, TLS1.2 or TLS1.3.")
        var floor: String = "TLS1.2"

        func validate() throws {
            if !["TLS1.0", "TLS1.1", "TLS1.2", "TLS1.3"].contains(floor) {
                throw ValidationError("--floor must be TLS1.0, TLS1.1, TLS1.2 or TLS1.3")
            }
        }

        func run() throws {
            try printReport(output.format) {
                let table = try ImpactReport(filter: scope.filter, floor: floor).run(database: database.forReading)
                let counts = ImpactReport.categories.map { c in "\(c) \(table.rows.filter { $0[0].text == c }.count)" }
                FileHandleOutput.standardError("if protocols below \(floor) were disabled: " + counts.joined(separator: ", "))
                return table
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
