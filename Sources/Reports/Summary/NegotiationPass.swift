import LogScanner
import Store
import TLSSessions

/// The summary's sums over the `negotiations` view, in one scan of the window by ids: the
/// outcome and protocol totals, the protocol mix per connector, the 30-day trend and the weak
/// suites. As five `GROUP BY` queries each of them read the whole window (6.9 of the 18 s of a
/// 30-day summary on 40 M rows, docs/performance.md).
struct NegotiationPass {
    /// A weak suite as the summary lists it: `protocol, cipher, mac, key exchange, reasons`.
    struct WeakKey: Hashable, Comparable {
        var protocolName, cipher, mac, keyExchange, reasons: String
        static func < (a: WeakKey, b: WeakKey) -> Bool {
            (a.protocolName, a.cipher, a.mac, a.keyExchange, a.reasons) < (b.protocolName, b.cipher, b.mac, b.keyExchange, b.reasons)
        }
    }
    private struct PartyKey: Hashable {
        var server: Int64, connector: Int64, remote: Int64, send: Bool
    }

    /// Sessions by outcome name (`tls`, `tls_unlogged`) in the window, for outcomes present.
    var outcomes: [String: Int64] = [:]
    /// Sessions by protocol name (`not logged` for STARTTLS without a negotiation row).
    var protocols: [String: Int64] = [:]
    /// Sessions by connector id, log type and protocol name.
    var mix: [Int64: [String: [String: Int64]]] = [:]
    /// Sessions by day and protocol name, over the trend's days.
    var trend: [String: [String: Int64]] = [:]
    var weakSessions: [WeakKey: Int64] = [:]
    private var weakParties: [WeakKey: Set<PartyKey>] = [:]

    static let notLogged = "not logged"

    /// Reads the rows of `since...until` and of the trend's `trendSince...until` in one pass.
    init(_ db: Snapshot, since: UTCDay, until: UTCDay, trendSince: UTCDay) throws {
        var weak: [Int64: WeakKey] = [:]
        for r in try db.rows("""
            SELECT id, COALESCE(protocol, ''), COALESCE(cipher, ''), COALESCE(mac, ''), COALESCE(key_exchange, ''), weak_reasons
            FROM suites WHERE weak_reasons <> ''
            """, [], { $0 })
        {
            weak[r.int(0)] = WeakKey(protocolName: r.text(1), cipher: r.text(2), mac: r.text(3), keyExchange: r.text(4), reasons: r.text(5))
        }
        let first = min(since, trendSince)
        let (windowStart, windowEnd, trendStart) = (since.description, until.description, trendSince.description)
        let send = Array(LogType.send.name.utf8)
        try db.scan("""
            SELECT v.day, v.protocol, v.protocol_unlogged, v.connector_id, v.log_type, v.sessions, v.suite_id,
                   v.server_id, v.remote_id
            FROM negotiations v WHERE v.day >= ?1 AND v.day <= ?2
            """, [first.description, windowEnd]
        ) { row in
            let day = row.text(0)
            let name = row.optionalText(1) ?? Self.notLogged
            let sessions = row.int(5)
            if day >= trendStart { trend[day, default: [:]][name, default: 0] += sessions }
            guard day >= windowStart else { return }
            let outcome = row.int(2) != 0 ? OutcomeKind.tlsUnlogged : .tls
            outcomes[outcome.name, default: 0] += sessions
            protocols[name, default: 0] += sessions
            mix[row.int(3), default: [:]][row.text(4), default: [:]][name, default: 0] += sessions
            if let key = weak[row.int(6)] {
                weakSessions[key, default: 0] += sessions
                weakParties[key, default: []].insert(
                    PartyKey(server: row.int(7), connector: row.int(3), remote: row.int(8), send: row.textEquals(4, send)))
            }
        }
    }

    /// Distinct parties (server, direction, connector, address) that used weak suite `key`.
    func parties(_ key: WeakKey) -> Int64 { Int64(weakParties[key]?.count ?? 0) }
}
