import LogScanner
import Rollups
import TLSSessions

/// A delta's rollup rows with their keys as PostgreSQL will store them (texts, before ids), summed
/// again by those keys: two byte strings that become the same text (bytes that are not UTF-8)
/// must be one row, since one `INSERT … ON CONFLICT` may not touch a row twice.
struct RollupRows {
    struct SessionKey: Hashable {
        var day: String, server: String, logType: String, connector: String, remote: String
        var outcome: String, negotiation: Negotiation?, error: String, activity: String
    }
    struct IdentityKey: Hashable {
        var day: String, server: String, logType: String, connector: String, remote: String
        var outcome: String, protocolName: String
        /// EHLO, sender domain, user, certificate subject and thumbprint ("" when not logged).
        var names: [String]
    }
    struct AuthFailureKey: Hashable {
        var day: String, server: String, logType: String, connector: String, remote: String
        var user: String, mechanism: String, error: String
    }

    private(set) var sessions: [SessionKey: Tally] = [:]
    private(set) var identities: [IdentityKey: Tally] = [:]
    private(set) var authFailures: [AuthFailureKey: Tally] = [:]
    /// Every text a key refers to by id.
    private(set) var texts = Set<String>()
    /// The first and last day of any row (an empty range of "" when there is none).
    private(set) var days = "" ... ""

    /// The rows of `d`; of its refused logins only when `includingSessionsAndIdentities` is false.
    init(_ d: RollupDelta, includingSessionsAndIdentities: Bool = true) {
        var dayTexts = DayTexts()
        func day(_ n: Int64) -> String { dayTexts.text(n) }
        func text(_ bytes: [UInt8]) -> String {
            let t = String(postgresText: bytes)
            texts.insert(t)
            return t
        }
        func text(_ s: String) -> String { text(Array(s.utf8)) }
        func text(_ a: RemoteAddress) -> String {
            var bytes: [UInt8] = []
            a.appendText(to: &bytes)
            return text(bytes)
        }
        if includingSessionsAndIdentities {
            d.forEachSession { k, t in
                let key = SessionKey(
                    day: day(k.day), server: text(k.server), logType: k.logType.name, connector: text(k.connector.bytes),
                    remote: text(k.remote), outcome: k.outcome.name, negotiation: k.negotiation, error: text(k.error),
                    activity: k.activity.name)
                sessions[key, default: Tally(sessions: 0, at: t.firstSeen)].add(t)
            }
            d.forEachIdentity { k, t in
                let key = IdentityKey(
                    day: day(k.day), server: text(k.server), logType: k.logType.name, connector: text(k.connector.bytes),
                    remote: text(k.remote), outcome: k.outcome.name, protocolName: k.protocolVersion?.name ?? "",
                    names: [k.ehlo, k.senderDomain, k.authUser, k.certificateSubject, k.certificateThumbprint].map { text($0.bytes) })
                identities[key, default: Tally(sessions: 0, at: t.firstSeen)].add(t)
            }
        }
        for (k, t) in d.authFailures {
            let key = AuthFailureKey(
                day: day(k.day), server: text(k.server), logType: k.logType.name, connector: text(k.connector.bytes),
                remote: text(k.remote), user: text(k.user.bytes), mechanism: text(k.mechanism), error: text(k.error))
            authFailures[key, default: Tally(sessions: 0, at: t.firstSeen)].add(t)
        }
        days = dayTexts.range ?? "" ... ""
    }
}
