import ArgumentParser
import Foundation
import PostgresStore
import Store

/// `--db PATH`, else `$SMTPTLS_DB`, else `smtptls.sqlite` in the current directory.
struct DatabaseOption: ParsableArguments {
    @Option(
        name: .customLong("db"),
        help: "SQLite database file, or a PostgreSQL URL (postgres://…) for ingest and query (default: $SMTPTLS_DB or ./smtptls.sqlite).")
    var path: String?

    var resolved: String {
        if let path { return path }
        if let env = ProcessInfo.processInfo.environment["SMTPTLS_DB"], !env.isEmpty { return env }
        return "smtptls.sqlite"
    }

    /// The path for a read-only command. When the directory is not writable and no ingest is
    /// running, SQLite reads the file as an immutable snapshot; say so on stderr.
    var forReading: String {
        get throws {
            let path = resolved
            if PostgresURL.matches(path) {
                throw PostgresError(
                    "this report reads SQLite only for now; against PostgreSQL use `smtptls query` or SQL on the views (docs/operations.md)")
            }
            let location = DatabaseLocation(path: path)
            try location.checkReadable()
            if location.needsImmutableRead {
                FileHandleOutput.standardError(
                    "note: \(location.directory) is not writable, so \(path) is read as a snapshot (no ingest is running)")
            }
            return path
        }
    }
}
