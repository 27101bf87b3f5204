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
