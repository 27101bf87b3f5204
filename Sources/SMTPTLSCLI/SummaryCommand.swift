import ArgumentParser
import Foundation
import LogScanner
import Reports
import Store

extension SMTPTLSCommand {
    struct Summary: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "The nightly summary: protocol mix, legacy, new and upgraded senders, plaintext, failures, weak suites, coverage.",
            discussion: """
                Covers one UTC day (--day, default yesterday) or --since/--until. HTML is one \
                self-contained file with inline charts (works offline and as an e-mail attachment). \
                With --fail-on-legacy the exit status is 3 when any session below TLS 1.2 was seen, \
                for monitoring systems.
                """)

        @OptionGroup var database: DatabaseOption

        @Option(help: "The UTC day to report (YYYY-MM-DD; default: yesterday).")
        var day: String?
        @Option(help: "First day of a longer window (YYYY-MM-DD).")
        var since: String?
        @Option(help: "Last day of a longer window (YYYY-MM-DD; default: --since).")
        var until: String?
        @Option(help: "markdown, json or html.")
        var format: SummaryReport.Format = .markdown
        @Option(name: .shortAndLong, help: "Write to this file instead of stdout.")
        var output: String?
        @Flag(help: "Exit with status 3 when legacy TLS (below 1.2) was seen in the window.")
        var failOnLegacy = false

        func validate() throws {
            try validateDays(day, since, until)
            if day != nil && (since != nil || until != nil) {
                throw ValidationError("use --day or --since/--until, not both")
            }
        }

        func run() throws {
            let yesterday = Timestamp.day(Int64(Date().timeIntervalSince1970 * 1000) - 86_400_000)
            let first = day ?? since ?? yesterday
            let last = day ?? until ?? since ?? yesterday
            let data: SummaryData
            do {
                data = try SummaryReport(since: first, until: last).load(database: database.forReading)
            } catch let error as StoreError {
                FileHandleOutput.standardError("error: \(error)")
                throw ExitCode(1)
            }
            let text = try SummaryReport.render(data, as: format)
            if let output {
                try text.write(toFile: output, atomically: true, encoding: .utf8)
                FileHandleOutput.standardError("wrote \(output)")
            } else {
                FileHandleOutput.standardOutput(text)
            }
            if failOnLegacy && data.legacySessions > 0 {
                FileHandleOutput.standardError("legacy TLS seen: \(data.legacySessions) sessions from \(data.legacy.count) parties")
                throw ExitCode(3)
            }
        }
    }
}

extension SummaryReport.Format: ExpressibleByArgument {}
