import CLibPQ
import Foundation

/// One libpq connection. The only file that calls libpq; every other type speaks through it.
///
/// Parameters go as text (`PQexecParams` with text format) and results come back as text: the
/// store writes a commit as a few statements with array parameters, so per-value binary
/// encoding would save little, and text keeps one code path for every type.
public final class PostgresConnection {
    private let handle: OpaquePointer
    /// `host:port/database` as libpq resolved it (never a password): what errors name.
    public let location: String

    /// Connects with a libpq connection string or URL (`postgres://user@host/db?sslmode=…`);
    /// what it leaves out comes from `PGHOST`, `PGUSER`, `PGPASSWORD`, `~/.pgpass` and the other
    /// settings libpq reads. An unreachable server is tried `attempts` times, waiting 1, 2, 4 …
    /// seconds between tries, then reported in one sentence naming the host.
    public init(url: String, attempts: Int = 4) throws {
        var wait: UInt32 = 1
        var attempt = 1
        while true {
            guard let connection = PQconnectdb(url) else {
                throw PostgresError("cannot connect to PostgreSQL at \(PostgresURL.redacted(url)): out of memory")
            }
            if PQstatus(connection) == CONNECTION_OK {
                handle = connection
                location = Self.location(connection)
                break
            }
            let message = Self.firstLine(PQerrorMessage(connection))
            // libpq's own answer to "is a server there": only no response is worth another try;
            // a server that answered (wrong password, no such database) will answer the same.
            let unreachable = PQping(url) == PQPING_NO_RESPONSE
            let place = Self.location(connection)
            PQfinish(connection)
            guard unreachable, attempt < attempts else {
                throw PostgresError("cannot connect to PostgreSQL at \(place): \(message)")
            }
            FileHandle.standardError.write(Data("PostgreSQL at \(place) is unreachable (\(message)); trying again in \(wait) s…\n".utf8))
            sleep(wait)
            wait *= 2
            attempt += 1
        }
        // Notices (a server shutting down warns before it closes) are not printed: what matters
        // reaches the user as the error of the statement that failed.
        PQsetNoticeProcessor(handle, { _, _ in }, nil)
        try execute("SET client_min_messages = warning")
        try execute("SET TIME ZONE 'UTC'")
    }

    deinit { PQfinish(handle) }

    private static func location(_ connection: OpaquePointer) -> String {
        func text(_ p: UnsafeMutablePointer<CChar>?) -> String { p.map { String(cString: $0) } ?? "" }
        let host = text(PQhost(connection)), port = text(PQport(connection)), db = text(PQdb(connection))
        return "\(host.isEmpty ? "localhost" : host)\(port.isEmpty ? "" : ":" + port)/\(db)"
    }

    /// The first line of a libpq message, without its trailing newline.
    private static func firstLine(_ message: UnsafePointer<CChar>?) -> String {
        guard let message else { return "unknown error" }
        let text = String(cString: message)
        return text.split(whereSeparator: \.isNewline).first.map(String.init) ?? text
    }

    /// Runs one or more statements without parameters.
    public func execute(_ sql: String) throws {
        let result = PQexec(handle, sql)
        defer { PQclear(result) }
        try check(result, sql)
    }

    /// A result in text: rows of optional strings (nil for SQL NULL).
    public struct Rows {
        public var columns: [String]
        /// Each column's type (`pg_type` oid: 20 bigint, 23 integer, 701 double, 25 text, …).
        public var types: [UInt32]
        public var rows: [[String?]]
    }

    /// Runs one statement with text parameters `$1, $2, …` (nil for NULL), returning its rows.
    @discardableResult
    public func query(_ sql: String, _ parameters: [String?] = []) throws -> Rows {
        let result = withParameters(parameters) { values in
            PQexecParams(handle, sql, Int32(parameters.count), nil, values, nil, nil, 0)
        }
        defer { PQclear(result) }
        try check(result, sql)
        let n = PQnfields(result), count = PQntuples(result)
        let columns = (0..<n).map { String(cString: PQfname(result, $0)) }
        let types = (0..<n).map { UInt32(PQftype(result, $0)) }
        var rows: [[String?]] = []
        rows.reserveCapacity(Int(count))
        for r in 0..<count {
            rows.append((0..<n).map { c in PQgetisnull(result, r, c) != 0 ? nil : String(cString: PQgetvalue(result, r, c)) })
        }
        return Rows(columns: columns, types: types, rows: rows)
    }

    /// Sends `data` to a `COPY … FROM STDIN` statement (`sql`), in the format the statement names.
    public func copyIn(_ sql: String, _ data: [UInt8]) throws {
        let start = PQexec(handle, sql)
        guard PQresultStatus(start) == PGRES_COPY_IN else {
            defer { PQclear(start) }
            try check(start, sql)
            throw PostgresError("PostgreSQL at \(location) did not accept COPY data", sql: sql)
        }
        PQclear(start)
        // In pieces of 1 MiB: libpq queues what the socket does not take yet.
        var sent: Int32 = 1
        data.withUnsafeBytes { raw in
            var offset = 0
            while offset < raw.count && sent == 1 {
                let n = min(1 << 20, raw.count - offset)
                sent = PQputCopyData(handle, raw.baseAddress!.advanced(by: offset).assumingMemoryBound(to: CChar.self), Int32(n))
                offset += n
            }
        }
        if sent == 1 { sent = PQputCopyEnd(handle, nil) }
        var failure: (any Error)?
        while let result = PQgetResult(handle) {
            if failure == nil {
                do { try check(result, sql) } catch { failure = error }
            }
            PQclear(result)
        }
        if let failure { throw failure }
        if sent != 1 { try check(nil, sql) }
    }

    /// C strings for the parameters, alive for the call.
    private func withParameters<T>(_ parameters: [String?], _ body: ([UnsafePointer<CChar>?]) -> T) -> T {
        let copies = parameters.map { $0.map { strdup($0) } ?? nil }
        defer { for c in copies { free(c) } }
        return body(copies.map { $0.map { UnsafePointer($0) } })
    }

    private func check(_ result: OpaquePointer?, _ sql: String) throws {
        switch PQresultStatus(result) {
        case PGRES_COMMAND_OK, PGRES_TUPLES_OK, PGRES_EMPTY_QUERY: return
        default:
            let primary = result.flatMap { PQresultErrorField($0, Int32(UInt8(ascii: "M"))) }.map { String(cString: $0) }
            let message = primary ?? Self.firstLine(PQerrorMessage(handle))
            let state = result.flatMap { PQresultErrorField($0, Int32(UInt8(ascii: "C"))) }.map { String(cString: $0) } ?? ""
            // An error the server sent has an SQLSTATE; one without is libpq's own: the connection.
            if PQstatus(handle) != CONNECTION_OK || state.isEmpty {
                throw PostgresError("lost the connection to PostgreSQL at \(location) (\(message)); nothing of the batch in progress was counted", state: state)
            }
            throw PostgresError("PostgreSQL at \(location) refused a statement: \(message)", state: state, sql: sql)
        }
    }

    /// Runs `body` in one transaction: committed when it returns, rolled back when it throws.
    public func transaction<T>(readOnly: Bool = false, _ body: () throws -> T) throws -> T {
        try execute(readOnly ? "BEGIN TRANSACTION READ ONLY" : "BEGIN")
        do {
            let value = try body()
            try execute("COMMIT")
            return value
        } catch {
            try? execute("ROLLBACK")
            throw error
        }
    }
}

/// An error from PostgreSQL or the connection to it, in one sentence without a password.
public struct PostgresError: Error, CustomStringConvertible, Sendable {
    public var message: String
    /// The SQLSTATE (`23505`, `08006`, …), when the server sent one.
    public var state: String
    public var sql: String?

    public init(_ message: String, state: String = "", sql: String? = nil) {
        self.message = message
        self.state = state
        self.sql = sql
    }

    public var description: String { message }
}

/// Recognising and printing PostgreSQL connection URLs.
public enum PostgresURL {
    /// Whether `--db` names a PostgreSQL database rather than an SQLite file.
    public static func matches(_ location: String) -> Bool {
        location.hasPrefix("postgres://") || location.hasPrefix("postgresql://")
    }

    /// The URL with any password left out (`postgres://user:secret@host` → `postgres://user@host`,
    /// `password=…` parameters dropped): what output, errors and the ledger may show.
    public static func redacted(_ url: String) -> String {
        guard let scheme = url.range(of: "://") else { return url }
        var rest = String(url[scheme.upperBound...])
        if let at = rest.firstIndex(of: "@"), let colon = rest[..<at].firstIndex(of: ":") {
            rest.removeSubrange(colon..<at)
        }
        if let query = rest.firstIndex(of: "?") {
            let parameters = rest[rest.index(after: query)...].split(separator: "&").filter { !$0.lowercased().hasPrefix("password=") }
            rest = String(rest[..<query]) + (parameters.isEmpty ? "" : "?" + parameters.joined(separator: "&"))
        }
        return String(url[..<scheme.upperBound]) + rest
    }
}
