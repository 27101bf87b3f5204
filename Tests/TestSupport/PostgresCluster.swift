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
        // Short: a Unix socket's path must fit in 107 bytes.
        let dir = "/tmp/smtptls-pg-\(UInt32.random(in: 0...UInt32.max))"
        let script = repository.appendingPathComponent("scripts/postgres-test-cluster.sh").path
        // `system` with the output to a file: Foundation's `Process` never saw the script end
        // here (it waits for the server the script leaves running), and a pipe's write end,
        // inherited by the server, would never reach its end either.
        let output = dir + ".out"
        defer { try? FileManager.default.removeItem(atPath: output) }
        let status = system("/bin/bash '\(script)' start '\(dir)' >'\(output)' 2>&1 </dev/null")
        let text = (try? String(contentsOfFile: output, encoding: .utf8)) ?? ""
        guard status == 0, let url = text.split(separator: "\n").last(where: { $0.hasPrefix("postgres") }) else {
            throw PostgresError("the test PostgreSQL cluster did not start: \(text)")
        }
        directory = dir
        atexit {
            guard let dir = PostgresCluster.directory else { return }
            let script = PostgresCluster.repository.appendingPathComponent("scripts/postgres-test-cluster.sh").path
            _ = system("/bin/bash '\(script)' stop '\(dir)' >/dev/null 2>&1 </dev/null")
        }
        return String(url)
    }

    /// A new, empty database on the cluster; its URL.
    public static func database() throws -> String {
        let admin = try url()
        let name = "t\(UInt64.random(in: 0...UInt64.max))"
        try PostgresConnection(url: admin, attempts: 1).execute("CREATE DATABASE \(name)")
        return admin.replacingOccurrences(of: "postgresql:///smtptls?", with: "postgresql:///\(name)?")
    }
}
