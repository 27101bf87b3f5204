import ArgumentParser
import PostgresStore

extension SMTPTLSCommand {
    struct Copy: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "copy",
            abstract: "Copy the SQLite database into an empty PostgreSQL database (a site that grows into a fleet).",
            discussion: """
                Every table is copied as stored, in one PostgreSQL transaction: the copy is whole or \
                absent. The ledger and open sessions come along, so a later `ingest --db postgres://…` \
                skips the logs SQLite had counted and joins the sessions it had left open. An ingest \
                into the target waits until the copy has finished. Texts that are not UTF-8 are stored \
                with U+FFFD, as an ingest into PostgreSQL stores them. Connection settings: \
                docs/operations.md, "Many collectors, one PostgreSQL".
                """)

        @OptionGroup var database: DatabaseOption

        @Option(help: "The PostgreSQL database to copy into (postgres://… or postgresql://…).")
        var to: String

        func validate() throws {
            if !PostgresURL.matches(to) { throw ValidationError("--to must be a postgres:// or postgresql:// URL") }
            if PostgresURL.matches(database.resolved) { throw ValidationError("copy reads an SQLite database: --db must name its file") }
        }

        func run() throws {
            let source = try database.sqliteForReading
            let store = try PostgresStore(url: to) {
                FileHandleOutput.standardError("waiting for an smtptls ingest into \(PostgresURL.redacted(to)) to finish…")
            }
            let copied = try SQLiteCopy.run(from: source, to: store)
            let rows = copied.rows.filter { $0.rows > 0 }.map { "\($0.table) \($0.rows)" }
            FileHandleOutput.standardError("copied \(source) into \(PostgresURL.redacted(to)): " + rows.joined(separator: ", "))
            if copied.convertedTexts > 0 {
                FileHandleOutput.standardError(
                    "note: \(copied.convertedTexts) texts were not UTF-8; PostgreSQL holds them with U+FFFD where their bytes were not (docs/schema.md)")
            }
        }
    }
}
