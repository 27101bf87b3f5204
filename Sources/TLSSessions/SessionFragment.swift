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
    /// The user of a *successful* authentication (the `authenticated` row, or the `User Name:`
    /// row of an attempt answered `235`); a refused login never sets it.
    public var authUser: ByteString?
    /// A `User Name:` row not yet known to belong to a success or a failure.
    public var pendingUser: ByteString?
    /// Refused authentications, in order (docs/formats.md, "Authentication").
    public var authFailures: [AuthFailure] = []
    /// Index in ``authFailures`` where the current attempt (the last `AUTH` command) begins.
    public var authAttemptStart = 0
    /// The mechanism of the last `AUTH` command (`LOGIN`, `NTLM`, …).
    public var authMechanism: String?
    /// Whether the session got as far as EHLO/HELO or `MAIL FROM` (probes never do).
    public var activity: SessionActivity = .none
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
        /// `Certificate …` rows of a session that began in an earlier input, before any context
        /// row of this one: the earlier part's context says whose certificate they describe
        /// (``merge(_:)``); alone, nobody can tell, and they are not kept.
        case inherited
    }

    enum CodingKeys: String, CodingKey {
        case key, remote, firstTime, lastTime, startTime, ended, ehlo, senderDomain, authUser, pendingUser,
            authFailures, authAttemptStart, authMechanism, activity, certificateSubject, certificateThumbprint,
            negotiation, negotiationTime, failure, failureTime, startTLS, certificateContext
    }

    /// Decodes open sessions stored by any earlier version: fields added since are optional.
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        key = try c.decode(SessionKey.self, forKey: .key)
        remote = try c.decodeIfPresent(RemoteAddress.self, forKey: .remote) ?? .none
        firstTime = try c.decode(Int64.self, forKey: .firstTime)
        lastTime = try c.decode(Int64.self, forKey: .lastTime)
        startTime = try c.decodeIfPresent(Int64.self, forKey: .startTime)
        ended = try c.decodeIfPresent(Bool.self, forKey: .ended) ?? false
        ehlo = try c.decodeIfPresent(ByteString.self, forKey: .ehlo)
        senderDomain = try c.decodeIfPresent(ByteString.self, forKey: .senderDomain)
        authUser = try c.decodeIfPresent(ByteString.self, forKey: .authUser)
        pendingUser = try c.decodeIfPresent(ByteString.self, forKey: .pendingUser)
        authFailures = try c.decodeIfPresent([AuthFailure].self, forKey: .authFailures) ?? []
        authAttemptStart = try c.decodeIfPresent(Int.self, forKey: .authAttemptStart) ?? 0
        authMechanism = try c.decodeIfPresent(String.self, forKey: .authMechanism)
        // Sessions stored before activity was tracked had at least greeted in all likelihood;
        // "mail" keeps them counted as senders, as they were.
        activity = try c.decodeIfPresent(SessionActivity.self, forKey: .activity) ?? .mail
        certificateSubject = try c.decodeIfPresent(ByteString.self, forKey: .certificateSubject)
        certificateThumbprint = try c.decodeIfPresent(ByteString.self, forKey: .certificateThumbprint)
        negotiation = try c.decodeIfPresent(Negotiation.self, forKey: .negotiation)
        negotiationTime = try c.decodeIfPresent(Int64.self, forKey: .negotiationTime)
        failure = try c.decodeIfPresent(String.self, forKey: .failure)
        failureTime = try c.decodeIfPresent(Int64.self, forKey: .failureTime)
        startTLS = try c.decodeIfPresent(StartTLSState.self, forKey: .startTLS) ?? .none
        certificateContext = try c.decodeIfPresent(CertificateContext.self, forKey: .certificateContext) ?? .none
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
        if later.authMechanism != nil {
            authAttemptStart = authFailures.count + later.authAttemptStart
        }
        authFailures += later.authFailures
        authMechanism = later.authMechanism ?? authMechanism
        pendingUser = later.pendingUser ?? pendingUser
        activity = max(activity, later.activity)
        // Rows the later part could not attribute belong to whatever certificate this part's
        // last context row announced: kept for the remote party's, dropped for our own.
        if later.certificateContext != .inherited || certificateContext == .remote {
            certificateSubject = certificateSubject ?? later.certificateSubject
            certificateThumbprint = certificateThumbprint ?? later.certificateThumbprint
        }
        if later.negotiation != nil {
            negotiation = later.negotiation
            negotiationTime = later.negotiationTime
        }
        if later.failure != nil {
            failure = later.failure
            failureTime = later.failureTime
        }
        startTLS = max(startTLS, later.startTLS)
        if later.certificateContext != .none && later.certificateContext != .inherited { certificateContext = later.certificateContext }
    }

    /// The distinct refused authentications (user, mechanism, error), each counted once per session.
    public var distinctAuthFailures: [AuthFailure] { AuthFailure.distinct(authFailures) }

    /// The session's classification (docs/schema.md, "Session outcomes").
    public var outcome: SessionOutcome {
        let r = rule
        switch r.kind {
        case .tls: return .negotiated(r.negotiation!)
        case .tlsUnlogged: return .encryptedUnlogged
        case .failed: return .failed(error: r.failure!)
        case .plaintext: return .plaintext
        }
    }

    /// The log time the outcome is dated by: the TLS row for negotiations and failures, the
    /// connect row (or first row seen) otherwise.
    public var outcomeTime: Int64 { rule.time }

    private var rule: OutcomeRule.Result<Negotiation, String> {
        OutcomeRule.apply(
            negotiation: negotiation, negotiationTime: negotiationTime, failure: failure, failureTime: failureTime,
            startTLS: startTLS, startTime: startTime, firstTime: firstTime, notCompleted: { "STARTTLSNotCompleted" })
    }
}
