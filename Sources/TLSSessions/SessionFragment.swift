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
    /// A session that began in an earlier input may go on, after a rotation, with the end of an
    /// attempt whose `AUTH` command is in that input. Of that attempt, logged here before any
    /// `AUTH` of this part: the first `leadingAuthFailures` of ``authFailures`` (a `535` among
    /// them has no mechanism yet); `leadingUser`, a `User Name:` row that also names the earlier
    /// part's last refusals without a user; `leadingSuccess`, a `235` for the user the earlier
    /// part named. ``merge(_:)`` gives them to the earlier part's attempt, as if the rows had
    /// been read in one file.
    public var leadingAuthFailures = 0
    public var leadingUser: ByteString?
    public var leadingSuccess = false
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
            authFailures, authAttemptStart, authMechanism, leadingAuthFailures, leadingUser, leadingSuccess, activity,
            certificateSubject, certificateThumbprint, negotiation, negotiationTime, failure, failureTime, startTLS,
            certificateContext
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
        leadingAuthFailures = try c.decodeIfPresent(Int.self, forKey: .leadingAuthFailures) ?? 0
        leadingUser = try c.decodeIfPresent(ByteString.self, forKey: .leadingUser)
        leadingSuccess = try c.decodeIfPresent(Bool.self, forKey: .leadingSuccess) ?? false
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
        mergeAuthentication(later)
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

    /// Refused logins of a later part: its leading rows finish this part's last attempt (the
    /// same rules as in one file, docs/formats.md "Authentication"), the rest follow.
    mutating func mergeAuthentication(_ later: SessionFragment) {
        if later.leadingSuccess && authUser == nil {
            authUser = pendingUser
            pendingUser = nil
        }
        authUser = authUser ?? later.authUser
        let ownAttemptFailed = authFailures.count > authAttemptStart
        // The later part's `User Name:` row names this attempt's refusals that have no user yet.
        var userTaken = false
        if let user = later.leadingUser {
            userTaken = AuthFailure.nameLast(&authFailures, since: authAttemptStart, user: user).named > 0
        }
        let leading = min(later.leadingAuthFailures, later.authFailures.count)
        var kept: [AuthFailure] = []
        var replyConsumedUser = false
        for var f in later.authFailures[..<leading] {
            if f.mechanism.isEmpty {
                // A `535` for this attempt: said already when a failure row was logged for it.
                if ownAttemptFailed || !kept.isEmpty { continue }
                f.mechanism = authMechanism ?? ""
                if f.user == nil { f.user = pendingUser }
                replyConsumedUser = true
            }
            kept.append(f)
        }
        let dropped = leading - kept.count
        if later.authMechanism != nil {
            authAttemptStart = authFailures.count + later.authAttemptStart - dropped
        }
        authFailures += kept
        authFailures += later.authFailures[leading...]
        if replyConsumedUser { pendingUser = nil }
        // A user this part's refusals took is not pending in the later part any more.
        let laterPending = userTaken && later.pendingUser == later.leadingUser && later.authMechanism == nil
            ? nil : later.pendingUser
        pendingUser = laterPending ?? pendingUser
        authMechanism = later.authMechanism ?? authMechanism
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
