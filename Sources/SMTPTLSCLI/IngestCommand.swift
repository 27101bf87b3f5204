import ArgumentParser
import Foundation
import Ingest
import PostgresStore
import Rollups
import Store

extension SMTPTLSCommand {
    struct Ingest: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "ingest",
            abstract: "Read protocol logs (files, directories, .zst/.gz, tar and zip archives) into the database.",
            discussion: """
                PATH is a log file, a .zst or .gz of one, a tar (.tar, .tar.zst, .tar.gz, .tgz) or zip \
                archive of logs, or a directory, walked recursively; what each file is comes from its \
                content, and files that are not SMTP protocol logs are skipped with a note. On a \
                terminal a progress line is shown on stderr. Each log is committed atomically with its \
                ledger entry (several logs per transaction): \
                re-ingesting a file counts nothing twice, a file that has grown contributes only its \
                new lines, and a killed run leaves the database consistent. Sessions that continue in \
                a later file are kept open in the database until their end arrives.
                """)

        @OptionGroup var database: DatabaseOption

        @OptionGroup var input: InputOptions

        @Option(help: "Minutes of log time after which a session with no new row is closed as it is.")
        var sessionTimeout: Int = 60

        @Flag(help: "Close every session still open at the end (a finished batch of archives).")
        var finalizeOpen = false

        @Flag(help: "Store authenticated user names as their domain only, and no excerpts of malformed rows.")
        var redact = false

        @Flag(name: .shortAndLong, help: "Print only errors (no progress line, no summary).")
        var quiet = false

        @Flag(name: .shortAndLong, help: "Print a line for every log as it is read.")
        var verbose = false

        func validate() throws {
            if sessionTimeout < 1 { throw ValidationError("--session-timeout must be at least 1 minute") }
            if quiet && verbose { throw ValidationError("--quiet and --verbose contradict each other: choose one") }
        }

        func run() throws {
            let db = database.resolved
            let postgres = PostgresURL.matches(db)
            if !postgres { try DatabaseLocation(path: db).checkWritable() }
            var options = input.ingestOptions
            options.sessionTimeout = Int64(sessionTimeout) * 60_000
            options.finalizeOpenSessions = finalizeOpen
            options.redact = redact
            let discovery = input.discover()
            if discovery.inputs.isEmpty && !discovery.problems.isEmpty {
                // Nothing to read: say why, first and only, and leave no database (or lock) behind.
                for (path, message) in discovery.problems { FileHandleOutput.standardError("error: \(path): \(message)") }
                throw ExitCode(1)
            }
            // SQLite: a lock file beside the database; PostgreSQL: an advisory lock in the server.
            let lock = postgres ? nil : try IngestLock(database: db) {
                FileHandleOutput.standardError("waiting for another smtptls ingest on \(db) to finish…")
            }
            defer { withExtendedLifetime(lock) {} }
            if let warning = discovery.unlabeledWarning, !quiet { FileHandleOutput.standardError(warning) }
            let store: any RollupStore = try postgres
                ? PostgresStore(url: db, claim: Self.claim(discovery.inputs)) {
                    FileHandleOutput.standardError("waiting for another smtptls process writing these servers into \(PostgresURL.redacted(db)) to finish…")
                }
                : SQLiteStore(path: db)
            InterruptNotice.install()
            let progress = ProgressDisplay(
                totalBytes: discovery.inputs.reduce(0) { $0 + $1.size }, quiet: quiet, verbose: verbose)
            let pipeline = IngestPipeline(store: store, options: options)
            pipeline.onInputDone = { progress.update($0) }
            let summary = try pipeline.run(discovery)
            progress.clear()
            if !quiet {
                FileHandleOutput.standardError(summary.render() + "\ndatabase: \(PostgresURL.redacted(db))")
            } else {
                for (path, message) in summary.errors { FileHandleOutput.standardError("error: \(path): \(message)") }
            }
            if !summary.errors.isEmpty { throw ExitCode(1) }
        }

        /// What a PostgreSQL ingest locks: its inputs' servers; everything to finalize every open
        /// session without inputs, or when an input is an archive whose members name servers of
        /// their own (their sessions and rows are then another server's, read and written in turn).
        static func claim(_ inputs: [InputFile]) -> PostgresClaim {
            if inputs.isEmpty || inputs.contains(where: InputScanner.mayHoldOtherServers) { return .everything }
            return .servers(Set(inputs.map(\.server)))
        }
    }
}
