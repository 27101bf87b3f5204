import LogScanner

/// What the generator knows it wrote: every finished session and every malformed row.
public struct GroundTruth: Sendable {
    public struct Session: Sendable, Equatable {
        public var server: String
        public var logType: LogType
        /// The connector-id as the server knows it (unquoted).
        public var connector: [UInt8]
        public var sessionID: UInt64
        public var remoteIP: String
        /// `tls`, `tls_unlogged`, `failed` or `plaintext`.
        public var outcome: String
        public var protocolName: String?
        public var role: String?
        public var cipher: String?
        public var cipherBits: Int?
        public var mac: String?
        public var macBits: Int?
        public var keyExchange: String?
        public var keyExchangeBits: Int?
        public var error: String?
        public var ehlo: [UInt8]?
        public var senderDomain: String?
        public var authUser: String?
        public var certificateSubject: String?
        public var certificateThumbprint: String?
        /// Log time the outcome is dated by (the TLS row, else the connect row).
        public var outcomeTime: Int64
        public var day: String { Timestamp.day(outcomeTime) }
    }

    public var sessions: [Session] = []
    /// Rows written that the scanner must reject.
    public var malformedRows = 0
    /// Files written, relative to the output directory.
    public var files: [String] = []
    /// Bytes written in all files.
    public var bytes = 0

    /// Sessions per outcome name.
    public func sessions(outcome: String) -> Int { sessions.filter { $0.outcome == outcome }.count }

    /// TLS sessions per protocol name.
    public var protocolCounts: [String: Int] {
        var counts: [String: Int] = [:]
        for s in sessions { if let p = s.protocolName { counts[p, default: 0] += 1 } }
        return counts
    }

    /// A short JSON summary, written as `truth.json` beside the logs.
    public func summaryJSON() -> String {
        let outcomes = ["tls", "tls_unlogged", "failed", "plaintext"].map { "\"\($0)\": \(sessions(outcome: $0))" }
        let protocols = protocolCounts.sorted { $0.key < $1.key }.map { "\"\($0.key)\": \($0.value)" }
        return """
            {
              "sessions": \(sessions.count),
              "outcomes": {\(outcomes.joined(separator: ", "))},
              "tls_sessions_by_protocol": {\(protocols.joined(separator: ", "))},
              "malformed_rows": \(malformedRows),
              "files": \(files.count),
              "bytes": \(bytes)
            }

            """
    }
}
