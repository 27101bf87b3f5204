import TLSSessions

/// The nightly summary as Markdown (for e-mail bodies, tickets, wikis).
enum SummaryMarkdown {
    static func render(_ d: SummaryData) -> String {
        var out: [String] = []
        let window = d.since == d.until ? d.since : "\(d.since) to \(d.until)"
        out.append("# SMTP TLS summary, \(window) (UTC)")
        out.append("")
        guard d.hasData else {
            out.append("**No data.** " + SummaryText.capitalized(d.noDataSentence) + ". Check that logs are still being collected.")
            return out.joined(separator: "\n") + "\n"
        }
        let t = d.totals
        out.append("\(t.sessions) sessions: " + d.outcomes.map { "\(SummaryText.outcome($0.name)) \($0.sessions)" }.joined(separator: ", ") + ".")
        out.append("Legacy TLS (below 1.2): **\(t.legacySessions)** sessions from **\(t.legacyParties)** remote parties.")
        for line in SummaryText.notes(d) { out.append(line) }
        out.append("")
        out.append("## Protocol mix")
        out.append(table(["direction", "connector"] + SummaryData.protocolOrder, d.mix.map { m in
            [m.direction, m.connector] + SummaryData.protocolOrder.map { p in String(m.protocols.first { $0.name == p }?.sessions ?? 0) }
        }))
        out.append("## If TLS 1.0 and 1.1 were switched off (parties with only legacy TLS, per connector)")
        out.append(table(["direction", "connector", "breaks", "falls back to plaintext", "unknown"], d.consequences.map {
            [$0.direction, $0.connector, String($0.breaks), String($0.fallsBackToPlaintext), String($0.unknown)]
        }))
        out.append("## Readiness per connector, as of \(d.until) (trend: legacy sessions per day, last 30 days)")
        out.append(table(["server", "direction", "connector", "verdict", "1d", "7d", "30d", "trend", "why"], d.readiness.map { r in
            [r.server ?? "", r.direction, r.connector, r.verdict.rawValue, String(r.legacySessions1d), String(r.legacySessions7d),
             String(r.legacySessions30d), SummaryText.sparkline(r.trend),
             r.partiesToFix.isEmpty ? r.reason : r.reason + ": " + r.partiesToFix.joined(separator: ", ")]
        }))
        if d.previousDayHasData {
            out.append(section("New legacy senders (not legacy the day before)", d.newLegacy))
        } else {
            out.append("## New legacy senders (not legacy the day before)\n_The day before has no data: new senders cannot be told._\n")
        }
        out.append(section("Upgraded (legacy the day before, TLS 1.2+ now)", d.upgraded))
        out.append(section("Legacy senders", d.legacy))
        out.append(section("Plaintext senders (sent mail without TLS)", d.plaintext, protocols: false))
        out.append("## TLS failures by error")
        out.append(table(["error", "sessions", "parties"], d.failures.map { [$0.error, String($0.sessions), String($0.parties)] }))
        out.append("## Refused logins")
        out.append(table(["remote IP", "direction", "connector", "user", "mechanism", "error", "sessions", "server"], d.authFailures.map {
            [$0.remoteIP, $0.direction, $0.connector, $0.user, $0.mechanism, $0.error, String($0.sessions), $0.server]
        }))
        out.append("## Weak suites")
        out.append(SummaryText.weakRule)
        out.append("")
        out.append(table(["protocol", "cipher", "mac", "key exchange", "why", "sessions", "parties"], d.weakSuites.map {
            [$0.protocolName, $0.cipher, $0.mac, $0.keyExchange, $0.reasons, String($0.sessions), String($0.parties)]
        }))
        out.append("## Coverage (sessions per UTC hour; a 0 is an hour without logs)")
        out.append(table(["server", "direction", "day", "missing hours"] + (0..<24).map { String(format2: $0) }, d.coverage.map { c in
            [c.server, c.direction, c.day, c.missingHours.isEmpty ? "none" : c.missingHours.map { String(format2: $0) }.joined(separator: " ")]
                + c.hours.map(String.init)
        }))
        out.append("_Generated \(d.generatedAt) by smtptls._")
        return out.joined(separator: "\n") + "\n"
    }

    static func section(_ title: String, _ list: SummaryData.PartyList, protocols: Bool = true) -> String {
        let heading = "## \(title)" + (list.isCut ? " (top \(list.rows.count) of \(list.total))" : "")
        let header = ["remote IP", "direction", "connector"] + (protocols ? ["protocols"] : [])
            + ["sessions", "EHLO", "sender domains", "server"]
        return heading + "\n" + table(header, list.rows.map {
            [$0.remoteIP, $0.direction, $0.connector] + (protocols ? [$0.protocols] : [])
                + [String($0.sessions), $0.ehloNames, $0.senderDomains, $0.server]
        })
    }

    static func table(_ header: [String], _ rows: [[String]]) -> String {
        guard !rows.isEmpty else { return "_none_\n" }
        func cell(_ s: String) -> String { SummaryText.clean(s).replacingAll("|", with: "\\|") }
        var lines = ["| " + header.map(cell).joined(separator: " | ") + " |", "|" + String(repeating: "---|", count: header.count)]
        lines += rows.map { "| " + $0.map(cell).joined(separator: " | ") + " |" }
        return lines.joined(separator: "\n") + "\n"
    }
}

/// Words shared by the Markdown and HTML summaries.
enum SummaryText {
    static func outcome(_ name: String) -> String {
        switch OutcomeKind(rawValue: name) {
        case .tls: return "TLS"
        case .tlsUnlogged: return "TLS (version not logged)"
        case .failed: return "TLS failed"
        case .plaintext: return "plaintext"
        case nil: return name
        }
    }

    /// The sentences under the headline: probes, refused logins, sessions not finished yet.
    static func notes(_ d: SummaryData) -> [String] {
        let t = d.totals
        var lines: [String] = []
        if t.probeSessions > 0 {
            lines.append("\(t.probeSessions) probe sessions from \(t.probeAddresses) addresses (connected without sending mail, no TLS; not counted as plaintext senders).")
        }
        if t.authFailureSessions > 0 {
            lines.append("Refused logins: \(t.authFailureSessions) sessions from \(t.authFailureAddresses) addresses.")
        }
        if t.unfinishedLegacySessions > 0 {
            lines.append("\(t.unfinishedLegacySessions) sessions from \(t.unfinishedLegacyAddresses) addresses negotiated legacy TLS and have no disconnect row yet: they count when they end (or now with `smtptls ingest --finalize-open`).")
        }
        return lines
    }

    /// Counts as block characters, ` ` for zero (`▁▂▃▄▅▆▇█`).
    static func sparkline(_ values: [Int64]) -> String {
        let blocks = Array("▁▂▃▄▅▆▇█")
        let peak = max(values.max() ?? 0, 1)
        return String(values.map { $0 == 0 ? "·" : blocks[Int(($0 * 7 + peak - 1) / peak)] })
    }

    static func capitalized(_ s: String) -> String { s.prefix(1).uppercased() + s.dropFirst() }

    static let weakRule = """
        A suite is weak when its cipher is RC4, RC2, DES, 3DES or NULL or has fewer than 128 bits \
        (export suites), when its key exchange is RSA (no forward secrecy), or when its MAC is MD5 \
        or SHA1.
        """

    /// Control characters from the wire never reach a report.
    static func clean(_ s: String) -> String {
        String(s.unicodeScalars.map { $0.value < 0x20 || $0.value == 0x7F ? "?" : Character($0) })
    }
}

extension String {
    init(format2 v: Int) { self = v < 10 ? "0\(v)" : String(v) }
}

extension String {
    fileprivate func replacingAll(_ target: Character, with replacement: String) -> String {
        var out = ""
        for c in self { if c == target { out += replacement } else { out.append(c) } }
        return out
    }
}
