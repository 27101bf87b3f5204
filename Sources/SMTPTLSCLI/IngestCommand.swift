import ArgumentParser
import Foundation
import Ingest
import Store

extension SMTPTLSCommand {
    struct Ingest: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Read protocol logs into the database.",
            discussion: """
                PATH is a log file (.LOG, .zst, .gz) or a directory, walked recursively for *.log, \
                *.log.zst and *.log.gz. Each input is committed on its own with its ledger entry: \
                re-ingesting a file counts nothing twice, a file that has grown contributes only its \
                new lines, and a killed run leaves the database consistent. Sessions that continue in \
                a later file are kept open in the database until their end arrives.
                """)

        @OptionGroup var database: DatabaseOption

        @Option(help: "Server label for all inputs (default: derived from each path; see docs/operations.md).")
        var server: String?

        @Option(help: "Inputs scanned in parallel (default: all cores). Results do not depend on it.")
        var jobs: Int = ProcessInfo.processInfo.activeProcessorCount

        @Flag(help: "Read plain files with read(2) instead of memory-mapping them (for files that may be truncated while read).")
        var noMmap = false

        @Option(help: "Minutes of log time after which a session with no new row is closed as it is.")
        var sessionTimeout: Int = 60

        @Flag(help: "Close every session still open at the end (a finished batch of archives).")
        var finalizeOpen = false

        @Flag(name: .shortAndLong, help: "Print only errors.")
        var quiet = false

        @Argument(help: "Log files or directories.")
        var paths: [String]

        func validate() throws {
            if jobs < 1 { throw ValidationError("--jobs must be at least 1") }
            if sessionTimeout < 1 { throw ValidationError("--session-timeout must be at least 1 minute") }
        }

        func run() throws {
            let db = database.resolved
            var options = IngestOptions()
            options.server = server
            options.useMemoryMap = !noMmap
            options.jobs = jobs
            options.sessionTimeout = Int64(sessionTimeout) * 60_000
            options.finalizeOpenSessions = finalizeOpen
            let lock = try IngestLock(database: db) {
                FileHandleOutput.standardError("waiting for another smtptls ingest on \(db) to finish…")
            }
            defer { withExtendedLifetime(lock) {} }
            let discovery = InputDiscovery.discover(paths, server: server)
            let store = try SQLiteStore(path: db)
            var summary = try IngestPipeline(store: store, options: options).run(discovery.inputs)
            summary.errors = discovery.problems.map { ($0.path, $0.message) } + summary.errors
            if !quiet {
                FileHandleOutput.standardError(summary.render() + "\ndatabase: \(db)")
            } else {
                for (path, message) in summary.errors { FileHandleOutput.standardError("error: \(path): \(message)") }
            }
            if !summary.errors.isEmpty { throw ExitCode(1) }
        }
    }
}
