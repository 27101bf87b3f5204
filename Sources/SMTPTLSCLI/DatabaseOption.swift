import ArgumentParser
import Foundation
import PostgresStore
import Store

/// `--db PATH`, else `$SMTPTLS_DB`, else `smtptls.sqlite` in the current directory.
struct DatabaseOption: ParsableArguments {
    @Option(
        name: .customLong("db"),
        help: "SQLite database file, or a PostgreSQL URL (postgres://…) (default: $SMTPTLS_DB or ./smtptls.sqlite).")
    var path: String?

    var resolved: String {
        if let path { return path }
        if let env = ProcessInfo.processInfo.environment["SMTPTLS_DB"], !env.isEmpty { return env }
        return "smtptls.sqlite"
    }

    /// A reader for reports: PostgreSQL for a `postgres://` URL, else the SQLite file.
    var reader: StoreReader {
        get throws {
            let location = resolved
            if PostgresURL.matches(location) { return try PostgresSnapshotSource.reader(url: location) }
            return try StoreReader(path: sqliteForReading)
        }
    }

    /// The SQLite file for a read-only command (`query` and `copy` read PostgreSQL their own
    /// way). When the directory is not writable and no ingest is running, SQLite reads the file
    /// as an immutable snapshot; say so on stderr.
    var sqliteForReading: String {
        get throws {
            let path = resolved
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
