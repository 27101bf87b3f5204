import ArgumentParser
import Foundation
import LogScanner
import Reports
import Store

extension SMTPTLSCommand {
    struct Summary: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "summary",
            abstract: "The nightly summary: protocol mix, legacy, new and upgraded senders, plaintext, failures, weak suites, coverage.",
            discussion: """
                Covers one UTC day (--day, default yesterday) or --since/--until. HTML is one \
                self-contained file with inline charts (works offline and as an e-mail attachment). \
                With --fail-on-legacy the exit status is 3 when any session below TLS 1.2 was seen, \
                for monitoring systems. A window without any logs is not a healthy one: the report \
                says "no data" (and which days the database has) and the exit status is 4, with or \
                without --fail-on-legacy, so a nightly job notices that logs stopped arriving.
                """)

        /// Exit status when the window has no logs at all.
        static let noDataStatus: Int32 = 4
        /// Exit status with --fail-on-legacy when legacy TLS was seen.
        static let legacyStatus: Int32 = 3

        @OptionGroup var database: DatabaseOption

        @Option(help: "The UTC day to report (YYYY-MM-DD; default: yesterday).")
        var day: UTCDay?
        @Option(help: "First day of a longer window (YYYY-MM-DD).")
        var since: UTCDay?
        @Option(help: "Last day of a longer window (YYYY-MM-DD; needs --since; default: --since).")
        var until: UTCDay?
        @Option(help: "markdown, json or html (default: from the -o file's extension, else markdown).")
        var format: SummaryReport.Format?
        @Option(name: .shortAndLong, help: "Write to this file instead of stdout.")
        var output: String?
        @Flag(help: "Exit with status 3 when legacy TLS (below 1.2) was seen in the window.")
        var failOnLegacy = false

        func validate() throws {
            if day != nil && (since != nil || until != nil) {
                throw ValidationError("use --day or --since/--until, not both")
            }
            if until != nil && since == nil {
                throw ValidationError("--until needs --since (or use --day for one day)")
            }
            try validateWindow(since, until)
        }

        func run() throws {
            let yesterday = UTCDay(millis: Int64(Date().timeIntervalSince1970 * 1000)).adding(days: -1)
            let first = day ?? since ?? yesterday
            let last = day ?? until ?? since ?? yesterday
            let data: SummaryData
            do {
                data = try SummaryReport(since: first, until: last).load(database.reader)
            } catch let error as StoreError {
                FileHandleOutput.standardError("error: \(error)")
                throw ExitCode(1)
            }
            let text = try SummaryReport.render(data, as: format ?? SummaryReport.Format(fileName: output))
            if let output {
                try OutputFile.write(text, to: output)
                FileHandleOutput.standardError("wrote \(output)")
            } else {
                FileHandleOutput.standardOutput(text)
            }
            if !data.hasData {
                FileHandleOutput.standardError("error: " + data.noDataSentence)
                throw ExitCode(Self.noDataStatus)
            }
            if failOnLegacy && data.totals.legacySessions > 0 {
                FileHandleOutput.standardError(
                    "legacy TLS seen: \(data.totals.legacySessions) sessions from \(data.totals.legacyParties) parties")
                throw ExitCode(Self.legacyStatus)
            }
        }
    }
}

extension SummaryReport.Format: ExpressibleByArgument {}
