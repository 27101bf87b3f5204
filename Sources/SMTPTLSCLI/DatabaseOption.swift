import ArgumentParser
import Foundation

/// `--db PATH`, else `$SMTPTLS_DB`, else `smtptls.sqlite` in the current directory.
struct DatabaseOption: ParsableArguments {
    @Option(name: .customLong("db"), help: "SQLite database (default: $SMTPTLS_DB or ./smtptls.sqlite).")
    var path: String?

    var resolved: String {
        if let path { return path }
        if let env = ProcessInfo.processInfo.environment["SMTPTLS_DB"], !env.isEmpty { return env }
        return "smtptls.sqlite"
    }
}

extension OutputFormatOption {}

import Reports

/// `--format table|csv|json`.
struct OutputFormatOption: ParsableArguments {
    @Option(name: .long, help: "Output format: table, csv or json.")
    var format: OutputFormat = .table
}

extension OutputFormat: ExpressibleByArgument {}
