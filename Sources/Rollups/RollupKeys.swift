import LogScanner
import TLSSessions

public typealias SessionRollupKey = PrehashedKey<SessionRollupFields>
public typealias IdentityRollupKey = PrehashedKey<IdentityRollupFields>

/// The dimensions of the session rollup behind `negotiations`, `plaintext_sessions` and
/// `tls_failures`: one row per distinct combination, per UTC day.
public struct SessionRollupFields: Hashable, Sendable {
    public var server: String
    /// Days since 1970-01-01 (UTC) of the outcome's log time.
    public var day: Int64
    public var logType: LogType
    public var connector: ByteString
    public var remote: RemoteAddress
    public var outcome: OutcomeKind
    public var negotiation: Negotiation?
    /// The failure error for `failed`; empty otherwise.
    public var error: String
    /// How far the session got: probes (none, greeted) or mail.
    public var activity: SessionActivity
}

/// A refused authentication, per day, party and what was tried: behind the `auth_failures` view.
public struct AuthFailureKey: Hashable, Sendable {
    public var server: String
    public var day: Int64
    public var logType: LogType
    public var connector: ByteString
    public var remote: RemoteAddress
    /// Empty when no `User Name:` row was logged for the attempt.
    public var user: ByteString
    public var mechanism: String
    public var error: String
}

/// The dimensions of the identity rollup behind `senders` and `legacy_senders`: who the remote
/// party said it was, per outcome and protocol.
public struct IdentityRollupFields: Hashable, Sendable {
    public var server: String
    public var day: Int64
    public var logType: LogType
    public var connector: ByteString
    public var remote: RemoteAddress
    public var outcome: OutcomeKind
    /// The protocol for `tls`; nil otherwise.
    public var protocolVersion: TLSProtocol?
    /// Empty when not logged.
    public var ehlo: ByteString
    /// Empty when not logged; `<>` for the null sender.
    public var senderDomain: ByteString
    public var authUser: ByteString
    public var certificateSubject: ByteString
    public var certificateThumbprint: ByteString
}

/// A TLS sentence of unknown shape, per server, log type and connector.
public struct UnrecognizedKey: Hashable, Sendable {
    public var server: String
    public var logType: LogType
    public var text: String
}

/// One UTC hour of one server's receive or send log.
public struct CoverageKey: Hashable, Sendable {
    public var server: String
    public var logType: LogType
    /// Hours since 1970-01-01T00:00Z.
    public var hour: Int64
}
