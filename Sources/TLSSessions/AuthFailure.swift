import LogScanner

/// A refused authentication: `*,,Inbound AUTH LOGIN failed because of LogonDenied`, or a `535`
/// reply with no such row. The user is the `User Name:` row logged beside it, when there is one.
///
/// A refused login never becomes the session's authenticated user: only a success does (the
/// `235` reply or the `authenticated` row, docs/formats.md).
public struct AuthFailure: Sendable, Codable, Hashable {
    /// `LOGIN`, `NTLM`, `GSSAPI`, … as logged; empty when the log does not say.
    public var mechanism: String
    /// `LogonDenied`, …, or the `535` reply's text.
    public var error: String
    /// The user name tried, when logged.
    public var user: ByteString?
    /// Log time of the failure.
    public var time: Int64

    public init(mechanism: String, error: String, user: ByteString? = nil, time: Int64) {
        self.mechanism = mechanism
        self.error = error
        self.user = user
        self.time = time
    }

    /// Each distinct (user, mechanism, error) once, at its first time: a session counts a
    /// repeated refusal once.
    public static func distinct(_ failures: [AuthFailure]) -> [AuthFailure] {
        var seen = Set<AuthFailure>()
        return failures.filter { f in
            var key = f
            key.time = 0
            return seen.insert(key).inserted
        }
    }

    /// Gives `user` to the refusals at the end of `failures`, from index `start` on, that have no
    /// user yet, walking back from the last (a `User Name:` row follows the refusals it names):
    /// how many it named, and whether it named every one down to the first.
    static func nameLast(_ failures: inout [AuthFailure], since start: Int, user: ByteString)
        -> (named: Int, reachedFirst: Bool)
    {
        var i = failures.count - 1
        var named = 0
        while i >= start && i >= 0 && failures[i].user == nil {
            failures[i].user = user
            named += 1
            i -= 1
        }
        return (named, i < 0)
    }

    /// Parses `Inbound AUTH LOGIN failed because of LogonDenied` (also `Outbound …`, any case of
    /// `AUTH`); nil for any other text.
    public static func parse(sentence f: FieldView) -> (mechanism: String, error: String)? {
        let text = f.unescaped().bytes
        guard text.count < 512 else { return nil }
        let s = String(decoding: text, as: UTF8.self)
        let words = s.split(separator: " ", omittingEmptySubsequences: true)
        // Inbound AUTH <MECH> failed because of <error…>
        guard words.count >= 6, words[0] == "Inbound" || words[0] == "Outbound",
            words[1].uppercased() == "AUTH", words[3] == "failed", words[4] == "because", words[5] == "of"
        else { return nil }
        let error = words.dropFirst(6).joined(separator: " ")
        return (String(words[2]).uppercased(), error.isEmpty ? "unknown" : error)
    }
}
