import LogScanner

/// What the tracker knows about one session still open in the input: a fixed-size value of ids
/// into the tracker's ``InternedTables``, nothing reference-counted (so the open-session table
/// moves it by its bytes), updated in place row by row. ``SessionFragment`` is its portable
/// form, made only for sessions that cross inputs (and for tests).
struct OpenSession {
    // Stored compactly (``PackedID``, ``PackedTime``, ``PackedCount``): a session is copied into
    // and out of the open-session table and moved by its backward shifts, and at 192 bytes those
    // copies were a fortieth of a run; 128 now.
    var remote: SessionAddress = .none
    var firstTime: Int64
    var lastTime: Int64
    @PackedTime var startTime: Int64? = nil
    @PackedTime var negotiationTime: Int64? = nil
    @PackedTime var failureTime: Int64? = nil
    @PackedID var ehlo: Int32? = nil
    @PackedID var senderDomain: Int32? = nil
    @PackedID var authUser: Int32? = nil
    @PackedID var pendingUser: Int32? = nil
    @PackedID var authMechanism: Int32? = nil
    /// ``SessionFragment/leadingUser``.
    @PackedID var leadingUser: Int32? = nil
    @PackedID var certificateSubject: Int32? = nil
    @PackedID var certificateThumbprint: Int32? = nil
    @PackedID var negotiation: Int32? = nil
    @PackedID var failure: Int32? = nil
    /// Refused authentications are kept beside the table (rare): how many this session has.
    @PackedCount var authFailureCount = 0
    @PackedCount var authAttemptStart = 0
    /// ``SessionFragment/leadingAuthFailures``.
    @PackedCount var leadingAuthFailures = 0
    var ended = false
    var leadingSuccess = false
    var activity: SessionActivity = .none
    var startTLS: SessionFragment.StartTLSState = .none
    var certificateContext: SessionFragment.CertificateContext = .none

    /// A refusal logged now belongs to an attempt whose `AUTH` is in an earlier input (no `AUTH`
    /// and no start seen here, every refusal so far such a one).
    var refusalLeads: Bool {
        continuesEarlierAttempt && leadingAuthFailures == authFailureCount
    }

    /// No start and no `AUTH` seen here: a login row belongs to an attempt begun earlier.
    var continuesEarlierAttempt: Bool { startTime == nil && authMechanism == nil }

    init(time: Int64) {
        firstTime = time
        lastTime = time
    }

    /// A portable session's state with its values interned into `tables` (refused logins stay
    /// with the caller). The inverse of ``fragment(key:tables:authFailures:)``.
    init(_ f: SessionFragment, tables: inout InternedTables) {
        func name(_ value: ByteString?) -> Int32? { value.map { tables.names.id($0) } }
        firstTime = f.firstTime
        lastTime = f.lastTime
        remote = tables.sessionAddress(f.remote)
        startTime = f.startTime
        ended = f.ended
        ehlo = name(f.ehlo)
        senderDomain = name(f.senderDomain)
        authUser = name(f.authUser)
        pendingUser = name(f.pendingUser)
        authFailureCount = f.authFailures.count
        authAttemptStart = f.authAttemptStart
        authMechanism = f.authMechanism.map { tables.texts.id($0) }
        leadingAuthFailures = f.leadingAuthFailures
        leadingUser = name(f.leadingUser)
        leadingSuccess = f.leadingSuccess
        activity = f.activity
        certificateSubject = name(f.certificateSubject)
        certificateThumbprint = name(f.certificateThumbprint)
        negotiation = f.negotiation.map { tables.negotiations.id($0) }
        negotiationTime = f.negotiationTime
        failure = f.failure.map { tables.texts.id($0) }
        failureTime = f.failureTime
        startTLS = f.startTLS
        certificateContext = f.certificateContext
    }

    /// The portable form, with the ids turned back into values.
    func fragment(key: SessionKey, tables: InternedTables, authFailures: [AuthFailure]) -> SessionFragment {
        var f = SessionFragment(key: key, time: firstTime)
        f.remote = tables.remoteAddress(remote)
        f.lastTime = lastTime
        f.startTime = startTime
        f.ended = ended
        f.ehlo = tables.name(ehlo)
        f.senderDomain = tables.name(senderDomain)
        f.authUser = tables.name(authUser)
        f.pendingUser = tables.name(pendingUser)
        f.authFailures = authFailures
        f.authAttemptStart = authAttemptStart
        f.authMechanism = tables.text(authMechanism)
        f.leadingAuthFailures = leadingAuthFailures
        f.leadingUser = tables.name(leadingUser)
        f.leadingSuccess = leadingSuccess
        f.activity = activity
        f.certificateSubject = tables.name(certificateSubject)
        f.certificateThumbprint = tables.name(certificateThumbprint)
        f.negotiation = negotiation.map { tables.negotiations[$0] }
        f.negotiationTime = negotiationTime
        f.failure = tables.text(failure)
        f.failureTime = failureTime
        f.startTLS = startTLS
        f.certificateContext = certificateContext
        return f
    }
}

/// A ``RemoteAddress`` as an ``OpenSession`` holds it: trivially copyable, an endpoint that is
/// not an address (`.text`, rare) by its id in ``InternedTables``' side table. With the text
/// inline, every copy of a session (into and out of the open-session table, its backward
/// shifts) went through Swift's generic copy with reference counting: some 100 instructions,
/// three times a session (docs/performance.md).
enum SessionAddress: Equatable {
    case none
    case ipv4(UInt32)
    case ipv6(UInt64, UInt64)
    case text(Int32)
}
