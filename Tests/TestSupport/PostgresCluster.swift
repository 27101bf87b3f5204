import Foundation
import PostgresStore

/// A PostgreSQL server the tests start themselves (`scripts/postgres-test-cluster.sh`): once per
/// test process, on a Unix socket in a fresh directory, stopped when the process exits. Each
/// test gets a database of its own (``database()``). `SMTPTLS_TEST_POSTGRES` (a URL) points the
/// tests at a server started beforehand instead.
public enum PostgresCluster {
    private static let repository = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    private static let lock = NSLock()
    nonisolated(unsafe) private static var started: Result<String, Error>?
    nonisolated(unsafe) private static var directory: String?

    /// The URL of the cluster's administrative database, starting the cluster on first use.
    public static func url() throws -> String {
        lock.lock()
        defer { lock.unlock() }
        if let started { return try started.get() }
        let result = Result { try start() }
        started = result
        return try result.get()
    }

    private static func start() throws -> String {
        if let given = ProcessInfo.processInfo.environment["SMTPTLS_TEST_POSTGRES"], !given.isEmpty { return given }
        let dir = newDirectory()
        let url = try script("start", dir)
        directory = dir
        atexit {
            guard let dir = PostgresCluster.directory else { return }
            _ = try? PostgresCluster.script("stop", dir)
        }
        return url
    }

    /// Short: a Unix socket's path must fit in 107 bytes.
    static func newDirectory() -> String { "/tmp/smtptls-pg-\(UInt32.random(in: 0...UInt32.max))" }

    /// Runs `scripts/postgres-test-cluster.sh command dir`; the last line it printed that is a URL.
    /// Through `system` with the output to a file: Foundation's `Process` never saw the script
    /// end here (the server it leaves running), and a pipe's write end, inherited by the server,
    /// would never reach its end either.
    @discardableResult
    static func script(_ command: String, _ dir: String) throws -> String {
        let script = repository.appendingPathComponent("scripts/postgres-test-cluster.sh").path
        let output = dir + ".out"
        defer { try? FileManager.default.removeItem(atPath: output) }
        let status = system("/bin/bash '\(script)' \(command) '\(dir)' >'\(output)' 2>&1 </dev/null")
        let text = smallFileText(output)
        guard status == 0 else { throw PostgresError("the test PostgreSQL cluster did not \(command): \(text)") }
        return text.split(separator: "\n").last(where: { $0.hasPrefix("postgres") }).map(String.init) ?? ""
    }

    /// A new, empty database on the cluster; its URL.
    public static func database() throws -> String {
        let admin = try url()
        let name = "t\(UInt64.random(in: 0...UInt64.max))"
        try PostgresConnection(url: admin, attempts: 1).execute("CREATE DATABASE \(name)")
        return admin.replacingOccurrences(of: "postgresql:///smtptls?", with: "postgresql:///\(name)?")
    }
}

/// A cluster of one test's own, for what would disturb the shared one: stopping the server.
public final class OwnPostgresCluster {
    public let url: String
    private let dir: String

    public init() throws {
        dir = PostgresCluster.newDirectory()
        url = try PostgresCluster.script("start", dir)
    }

    /// Stops the server at once, as a crash would (its data stays).
    public func halt() throws { try PostgresCluster.script("halt", dir) }
    /// Starts a halted server again.
    public func resume() throws { try PostgresCluster.script("resume", dir) }

    deinit { _ = try? PostgresCluster.script("stop", dir) }
}

/// The text of a small file; "" when it is empty or missing. Foundation's readers
/// (`String(contentsOfFile:)`, `FileManager.contents(atPath:)`) leak their read buffer on an empty
/// file (LeakSanitizer, Swift 6.3's FoundationEssentials), so an empty file is not read.
public func smallFileText(_ path: String) -> String {
    let size = (try? FileManager.default.attributesOfItem(atPath: path)[.size] as? Int) ?? 0
    guard size > 0 else { return "" }
    return FileManager.default.contents(atPath: path).map { String(decoding: $0, as: UTF8.self) } ?? ""
}
