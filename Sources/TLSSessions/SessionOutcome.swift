/// How a session ended up, for the rollups.
public enum SessionOutcome: Sendable, Hashable {
    /// A `TLS protocol ... negotiation succeeded` line was logged (the last one counts).
    case negotiated(Negotiation)
    /// STARTTLS was accepted (`220 2.0.0`) but no negotiation line was logged, as on builds that
    /// do not log the suite: encrypted, version unknown.
    case encryptedUnlogged
    /// `TLS negotiation failed with error X`, or STARTTLS issued and never completed
    /// (error `STARTTLSNotCompleted`).
    case failed(error: String)
    /// The session ended without any TLS attempt.
    case plaintext

    /// The stored outcome name: `tls`, `tls_unlogged`, `failed`, `plaintext`.
    public var name: String { kind.name }
}

/// The outcome rule (docs/schema.md, "Session outcomes"), written once for whatever stands for a
/// suite and an error: a ``SessionFragment``'s values, or the tracker's ids.
enum OutcomeRule {
    struct Result<Suite, Failure> {
        var kind: OutcomeKind
        /// The suite, for `tls`.
        var negotiation: Suite?
        /// The error, for `failed`.
        var failure: Failure?
        /// The log time the outcome is dated by.
        var time: Int64
    }

    /// A logged negotiation wins, then a logged failure; otherwise STARTTLS accepted without a
    /// negotiation row is `tls_unlogged`, STARTTLS never answered is a failure
    /// (`notCompleted()`), and no STARTTLS is plaintext. Negotiations and failures are dated by
    /// their row, the rest by the connect row (or the first row seen).
    static func apply<Suite, Failure>(
        negotiation: Suite?, negotiationTime: Int64?, failure: Failure?, failureTime: Int64?,
        startTLS: SessionFragment.StartTLSState, startTime: Int64?, firstTime: Int64, notCompleted: () -> Failure
    ) -> Result<Suite, Failure> {
        // Dated by the TLS row when it was logged with its time (a session stored by an early
        // version may lack it), else by the connect row.
        let time = (negotiation != nil ? negotiationTime : nil) ?? (failure != nil ? failureTime : nil)
            ?? startTime ?? firstTime
        if let negotiation { return Result(kind: .tls, negotiation: negotiation, time: time) }
        if let failure { return Result(kind: .failed, failure: failure, time: time) }
        switch startTLS {
        case .accepted: return Result(kind: .tlsUnlogged, time: time)
        case .requested: return Result(kind: .failed, failure: notCompleted(), time: time)
        case .none: return Result(kind: .plaintext, time: time)
        }
    }
}
