import ArgumentParser
import Foundation
import LogScanner
import Reports

extension SMTPTLSCommand {
    struct Readiness: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "readiness",
            abstract: "Per connector: legacy TLS in the last 1/7/30 days, and whether it is safe to switch off.",
            discussion: """
                verdict not_ready: legacy sessions in the last --quiet-days days (the parties to \
                fix are named). ready: none, and the logs cover every hour of those days for the \
                connector's server. unknown: hours are missing, so a quiet connector cannot be \
                told from a collector that stopped. Hours after now, or after the newest hour any \
                server has logs for, are not required. not_ready rows come first.
                """)

        @OptionGroup var database: DatabaseOption
        @OptionGroup var output: OutputFormatOption
        @OptionGroup var width: WideOption

        @Option(name: .customLong("as-of"), help: "The day the verdict is for (YYYY-MM-DD, UTC; default today).")
        var asOf: UTCDay?
        @Option(name: .customLong("quiet-days"), help: "Days without legacy sessions a connector needs to be ready.")
        var quietDays = 14
        @OptionGroup var scope: ScopeOptions

        func validate() throws {
            guard (1...ReadinessReport.lookBackDays).contains(quietDays) else {
                throw ValidationError("--quiet-days must be between 1 and \(ReadinessReport.lookBackDays)")
            }
        }

        func run() throws {
            let now = Int64(Date().timeIntervalSince1970 * 1000)
            try printReport(output.format) {
                let report = ReadinessReport(
                    filter: scope.filter,
                    asOf: asOf ?? UTCDay(millis: now), quietDays: quietDays, now: now)
                let rows = try report.run(database.reader)
                let counts = ReadinessReport.Verdict.allCases.map { v in "\(v.rawValue) \(rows.filter { $0.verdict == v }.count)" }
                FileHandleOutput.standardError("as of \(report.asOf): " + counts.joined(separator: ", "))
                return width.shaped(ReadinessReport.table(rows), format: output.format, narrow: ReadinessReport.narrowColumns)
            }
        }
    }
}
