import LogGenerator
import Store

/// The public views as the ground truth says they must read, and as the database reads them,
/// both as `key → sessions` maps for exact comparison.
public enum TruthViews {
    public static func negotiations(_ t: GroundTruth) -> [String: Int64] {
        var m: [String: Int64] = [:]
        for s in t.sessions where s.outcome == "tls" || s.outcome == "tls_unlogged" {
            let key = [s.server, s.day, s.logType.name, text(s.connector), s.remoteIP, s.protocolName ?? "", s.role ?? "",
                       s.cipher ?? "", s.cipherBits.map(String.init) ?? "", s.mac ?? "", s.macBits.map(String.init) ?? "",
                       s.keyExchange ?? "", s.keyExchangeBits.map(String.init) ?? ""].joined(separator: "|")
            m[key, default: 0] += 1
        }
        return m
    }

    public static func plaintext(_ t: GroundTruth) -> [String: Int64] {
        var m: [String: Int64] = [:]
        for s in t.sessions where s.outcome == "plaintext" {
            m[[s.server, s.day, s.logType.name, text(s.connector), s.remoteIP].joined(separator: "|"), default: 0] += 1
        }
        return m
    }

    public static func failures(_ t: GroundTruth) -> [String: Int64] {
        var m: [String: Int64] = [:]
        for s in t.sessions where s.outcome == "failed" {
            m[[s.server, s.day, s.logType.name, text(s.connector), s.remoteIP, s.error ?? ""].joined(separator: "|"), default: 0] += 1
        }
        return m
    }

    public static func senders(_ t: GroundTruth) -> [String: Int64] {
        var m: [String: Int64] = [:]
        for s in t.sessions {
            m[[s.server, s.logType.name, text(s.connector), s.remoteIP, s.ehlo.map(text) ?? ""].joined(separator: "|"), default: 0] += 1
        }
        return m
    }

    /// Reads `SELECT key columns…, sessions` into the same shape.
    public static func fromDatabase(_ path: String, _ sql: String) throws -> [String: Int64] {
        let result = try ReadOnlyQuery(path: path).run(sql)
        var m: [String: Int64] = [:]
        for row in result.rows {
            let key = row.dropLast().map(\.text).joined(separator: "|")
            guard case .integer(let n) = row.last! else { continue }
            m[key, default: 0] += n
        }
        return m
    }

    public static let negotiationsSQL = """
        SELECT server, day, log_type, connector, remote_ip, protocol, role, cipher, cipher_bits, mac, mac_bits,
               key_exchange, key_exchange_bits, sessions FROM negotiations
        """
    public static let plaintextSQL = "SELECT server, day, log_type, connector, remote_ip, sessions FROM plaintext_sessions"
    public static let failuresSQL = "SELECT server, day, log_type, connector, remote_ip, error, sessions FROM tls_failures"
    public static let sendersSQL = "SELECT server, log_type, connector, remote_ip, ehlo, sessions FROM senders"

    static func text(_ b: [UInt8]) -> String { String(decoding: b, as: UTF8.self) }
}
