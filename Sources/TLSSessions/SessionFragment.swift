import LogScanner

/// What is known about one session from the rows seen so far.
///
/// Fragments are built per input and merged in input order (``merge(_:)``), so a session whose
/// rows are spread over hourly files, or over ingest runs, comes out as if read in one pass.
public struct SessionFragment: Sendable, Codable, Equatable {
    public var key: SessionKey
    public var remote: RemoteAddress = .none
    /// Log time of the first and last row of this session that the tracker looked at.
    public var firstTime: Int64
    public var lastTime: Int64
    /// Log time of the `+` (connect) row, when seen.
    public var startTime: Int64?
    /// The `-` (disconnect) row was seen.
    public var ended = false
    /// First EHLO/HELO name (receive: the client's; send: ours).
    public var ehlo: ByteString?
    /// Domain of the first `MAIL FROM:<...>` address, lower-cased; `<>` for the null sender.
    public var senderDomain: ByteString?
    /// Authenticated user name, when logged.
    public var authUser: ByteString?
    /// The remote party's certificate, when logged (subject and thumbprint).
    public var certificateSubject: ByteString?
    public var certificateThumbprint: ByteString?
    public var negotiation: Negotiation?
    public var negotiationTime: Int64?
    public var failure: String?
    public var failureTime: Int64?
    public var startTLS: StartTLSState = .none
    /// Which certificate the following `Certificate ...` rows describe (older multi-row form).
    public var certificateContext: CertificateContext = .none

    public enum StartTLSState: UInt8, Sendable, Codable, Comparable {
        case none, requested, accepted
        public static func < (a: Self, b: Self) -> Bool { a.rawValue < b.rawValue }
    }

    public enum CertificateContext: UInt8, Sendable, Codable {
        case none, local, remote
    }

    public init(key: SessionKey, time: Int64) {
        self.key = key
        self.firstTime = time
        self.lastTime = time
    }

    /// Folds in what a *later* fragment of the same session knows.
    public mutating func merge(_ later: SessionFragment) {
        if remote == .none { remote = later.remote }
        firstTime = min(firstTime, later.firstTime)
        lastTime = max(lastTime, later.lastTime)
        startTime = startTime ?? later.startTime
        ended = later.ended
        ehlo = ehlo ?? later.ehlo
        senderDomain = senderDomain ?? later.senderDomain
        authUser = authUser ?? later.authUser
        certificateSubject = certificateSubject ?? later.certificateSubject
        certificateThumbprint = certificateThumbprint ?? later.certificateThumbprint
        if later.negotiation != nil {
            negotiation = later.negotiation
            negotiationTime = later.negotiationTime
        }
        if later.failure != nil {
            failure = later.failure
            failureTime = later.failureTime
        }
        startTLS = max(startTLS, later.startTLS)
        if later.certificateContext != .none { certificateContext = later.certificateContext }
    }

    /// The session's classification (docs/schema.md, "Session outcomes").
    public var outcome: SessionOutcome {
        if let negotiation { return .negotiated(negotiation) }
        if let failure { return .failed(error: failure) }
        switch startTLS {
        case .accepted: return .encryptedUnlogged
        case .requested: return .failed(error: "STARTTLSNotCompleted")
        case .none: return .plaintext
        }
    }

    /// The log time the outcome is dated by: the TLS row for negotiations and failures, the
    /// connect row (or first row seen) otherwise.
    public var outcomeTime: Int64 {
        if negotiation != nil, let t = negotiationTime { return t }
        if failure != nil, let t = failureTime { return t }
        return startTime ?? firstTime
    }
}
