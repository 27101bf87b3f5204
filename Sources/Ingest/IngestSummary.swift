import LogScanner
import Rollups
import TLSSessions

/// What an ingest run did, for the closing summary and the exit status.
public struct IngestSummary: Sendable {
    /// Files named on the command line or found in directories.
    public var inputsFound = 0
    /// Logs (files, or archive members) that contributed new records.
    public var inputsIngested = 0
    /// Logs with nothing new (already in the ledger).
    public var inputsUnchanged = 0
    /// Files or members skipped with a note (not a protocol log, empty, no records yet).
    public var notes: [(path: String, message: String)] = []
    /// Inputs that failed (unreadable, corrupt): the run exits non-zero.
    public var errors: [(path: String, message: String)] = []
    /// Bytes read from input files (compressed size for archives).
    public var bytes: UInt64 = 0
    /// Bytes of log text scanned (decompressed), of the logs that contributed.
    public var logBytes: UInt64 = 0
    public var records = 0
    public var malformedRows = 0
    /// The first malformed rows of the run, with their input.
    public var malformedSamples: [(path: String, row: MalformedRow)] = []
    public var sessions = RollupDelta()
    public var openSessionsAtEnd = 0
    public var seconds = 0.0
    /// Time the merge thread was busy (joining sessions, adding rollups; waiting excluded), and
    /// time the commit thread spent in the database. Each runs on one thread, so either one
    /// close to `seconds` is what bounds the run, however many jobs scan.
    public var mergeSeconds = 0.0
    public var commitSeconds = 0.0
    /// Transactions the committer ran (batches of inputs).
    public var commits = 0

    public init() {}

    /// What the summary is about: `ingest` (a database) or `scan` (counts only).
    public enum Context: Sendable { case ingest, scan }

    /// The summary printed at the end of `smtptls ingest` (stderr) or `smtptls scan` (stdout).
    public func render(_ context: Context = .ingest) -> String {
        var lines: [String] = []
        let rate = seconds > 0 ? Double(logBytes) / 1_000_000 / seconds : 0
        let verb = context == .ingest ? "ingested" : "read"
        lines.append(
            "read \(plural(inputsFound, "file")): \(plural(inputsIngested, "log")) \(verb), \(inputsUnchanged) unchanged, \(notes.count) skipped, \(errors.count) failed"
        )
        lines.append(
            "\(records) records, \(Self.size(logBytes)) of logs"
                + (Self.size(bytes) != Self.size(logBytes) ? " (\(Self.size(bytes)) read)" : "")
                + " in \(String(format2: seconds)) s (\(String(format1: rate)) MB/s)")
        if seconds > 0 && context == .ingest {
            lines.append(
                "serial stages: merge \(String(format2: mergeSeconds)) s, database commits \(String(format2: commitSeconds)) s"
                    + " in \(plural(commits, "transaction"))"
                    + " (each on one thread, beside the scanning jobs)")
        }
        let outcomes = OutcomeKind.allCases.map { "\($0.name) \(sessions.outcomeSessions[$0] ?? 0)" }
        lines.append(
            "sessions finished: \(sessions.sessionCount) (\(outcomes.joined(separator: ", "))); expired \(sessions.expiredSessions)"
        )
        if openSessionsAtEnd > 0 {
            lines.append(
                "\(openSessionsAtEnd) sessions have no disconnect row yet; they are kept for the next run "
                    + "(their logs may continue in a later file); `--finalize-open` counts them now")
        }
        let protocols = TLSProtocol.allCases.compactMap { p in sessions.protocolSessions[p].map { "\(p.name) \($0)" } }
        lines.append("TLS sessions by protocol: " + (protocols.isEmpty ? "none" : protocols.joined(separator: ", ")))
        lines.append("malformed rows: \(malformedRows)")
        for (path, row) in malformedSamples.prefix(5) { lines.append("  \(path):\(row.line): \(row.reason): \(row.excerpt)") }
        if malformedRows > 5 {
            let kept = context == .ingest ? " (table malformed_rows keeps the first 20 per input)" : ""
            lines.append("  … \(malformedRows - min(5, malformedSamples.count)) more\(kept)")
        }
        for (path, message) in notes.prefix(10) { lines.append("note: \(path): \(message)") }
        if notes.count > 10 { lines.append("note: … \(notes.count - 10) more skipped") }
        for (path, message) in errors { lines.append("error: \(path): \(message)") }
        return lines.joined(separator: "\n")
    }

    func plural(_ n: Int, _ noun: String) -> String { "\(n) \(noun)\(n == 1 ? "" : "s")" }

    /// `30 KB`, `1.4 MB`, `2.1 GB`: a size people read at a glance.
    static func size(_ bytes: UInt64) -> String {
        let b = Double(bytes)
        if b < 1_000 { return "\(bytes) bytes" }
        if b < 1_000_000 { return "\(Int((b / 1_000).rounded())) KB" }
        if b < 1_000_000_000 { return "\(String(format1: b / 1_000_000)) MB" }
        return "\(String(format2: b / 1_000_000_000)) GB"
    }
}

extension String {
    init(format1 v: Double) { self = String(Double(Int((v * 10).rounded())) / 10) }
    init(format2 v: Double) { self = String(Double(Int((v * 100).rounded())) / 100) }
}
