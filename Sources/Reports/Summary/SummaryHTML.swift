/// The nightly summary as one self-contained HTML file: no external assets, no script, charts in
/// plain HTML and CSS with every number printed; readable on a phone and on paper, safe to send
/// as an e-mail attachment.
enum SummaryHTML {
    static func render(_ d: SummaryData) -> String {
        let e = SummaryChart.escape
        let window = d.since == d.until ? d.since : "\(d.since) to \(d.until)"
        let t = d.totals
        var body = "<h1>SMTP TLS summary <small>\(e(window)) UTC</small></h1>"
        guard d.hasData else {
            body += "<p class=\"nodata\">No data. \(e(SummaryText.capitalized(d.noDataSentence))). Check that logs are still being collected.</p>"
            body += "<div class=\"cards\">" + ["sessions", "legacy TLS sessions", "legacy parties", "plaintext sessions"]
                .map { card($0, "no data", "nodata") }.joined() + "</div>"
            return page(window, body)
        }
        body += "<div class=\"cards\">"
        body += card("sessions", String(t.sessions), "")
        body += card("legacy TLS sessions", String(t.legacySessions), t.legacySessions > 0 ? "bad" : "good")
        body += card("legacy parties", String(t.legacyParties), t.legacyParties == 0 ? "good" : "bad")
        body += d.previousDayHasData
            ? card("new legacy parties", String(d.newLegacy.total), d.newLegacy.total == 0 ? "good" : "bad")
            : card("new legacy parties", "no data the day before", "nodata")
        body += card("plaintext mail sessions", String(t.plaintextSessions), "")
        body += card("TLS failures", String(t.failedSessions), "")
        body += card("refused logins", String(t.authFailureSessions), t.authFailureSessions > 0 ? "bad" : "")
        body += "</div>"
        for line in SummaryText.notes(d) { body += "<p class=\"note\">\(e(line))</p>" }
        body += "<section><h2>Protocol share per day (last 30 days)</h2>"
        body += d.trend.isEmpty ? "<p class=\"none\">no TLS sessions</p>"
            : SummaryChart.stackedBars(d.trend.map { .init(label: $0.day, counts: $0.protocols) }, title: "share of TLS sessions by protocol, per day")
        body += "</section><section><h2>Protocol share per connector</h2>"
        body += d.mix.isEmpty ? "<p class=\"none\">no TLS sessions</p>"
            : SummaryChart.stackedBars(d.mix.map { .init(label: "\($0.direction): \($0.connector)", counts: $0.protocols) }, title: "share of TLS sessions by protocol, per connector")
        body += "</section>"
        body += "<section><h2>If TLS 1.0 and 1.1 were switched off</h2><p class=\"note\">Parties that negotiated only protocols below TLS 1.2, per connector, by what the imported connector configuration says happens to them (smtptls impact has each party and the reason).</p>"
        body += table(["direction", "connector", "breaks", "falls back to plaintext", "unknown"], d.consequences.map {
            [$0.direction, $0.connector, String($0.breaks), String($0.fallsBackToPlaintext), String($0.unknown)]
        }) + "</section>"
        body += readiness(d)
        body += d.previousDayHasData
            ? parties("New legacy senders", "not legacy the day before", d.newLegacy)
            : "<section><h2>New legacy senders</h2><p class=\"none\">The day before has no data: new senders cannot be told.</p></section>"
        body += parties("Upgraded", "legacy the day before, only TLS 1.2+ now", d.upgraded)
        body += parties("Legacy senders", "negotiated SSL 3, TLS 1.0 or TLS 1.1", d.legacy)
        body += parties("Plaintext senders", "sent mail without TLS (probes that never sent mail are counted above, not listed)", d.plaintext, protocols: false)
        body += "<section><h2>TLS failures by error</h2>" + table(["error", "sessions", "parties"], d.failures.map { [$0.error, String($0.sessions), String($0.parties)] }) + "</section>"
        body += "<section><h2>Refused logins</h2>" + table(["remote IP", "direction", "connector", "user", "mechanism", "error", "sessions", "server"], d.authFailures.map {
            [$0.remoteIP, $0.direction, $0.connector, $0.user, $0.mechanism, $0.error, String($0.sessions), $0.server]
        }) + "</section>"
        body += "<section><h2>Weak suites</h2><p class=\"note\">\(e(SummaryText.weakRule))</p>"
        body += table(["protocol", "cipher", "MAC", "key exchange", "why", "sessions", "parties"], d.weakSuites.map {
            [$0.protocolName, $0.cipher, $0.mac, $0.keyExchange, $0.reasons, String($0.sessions), String($0.parties)]
        }) + "</section>"
        body += "<section><h2>Coverage</h2><p class=\"note\">Sessions per UTC hour. An empty cell is an hour without any session in the logs: a missing or late log.</p>"
        body += coverage(d.coverage) + "</section>"
        body += "<footer>Generated \(e(d.generatedAt)) by smtptls.</footer>"
        return page(window, body)
    }

    /// The readiness table, with each connector's legacy sessions of the last 30 days as bars.
    static func readiness(_ d: SummaryData) -> String {
        let e = SummaryChart.escape
        var html = "<section><h2>Readiness per connector <small>as of \(e(d.until))</small></h2>"
        html += "<p class=\"note\">not ready: legacy sessions in the last 14 days; ready: none, with logs for every hour of them; unknown: hours missing. The bars are legacy sessions per day, last 30 days.</p>"
        guard !d.readiness.isEmpty else { return html + "<p class=\"none\">none</p></section>" }
        html += "<div class=\"scroll\"><table><thead><tr>" + ["server", "direction", "connector", "verdict", "legacy 1d", "7d", "30d", "parties 30d", "days since", "trend", "why / parties to fix"]
            .map { "<th>\(e($0))</th>" }.joined() + "</tr></thead><tbody>"
        for r in d.readiness {
            let peak = max(r.trend.max() ?? 0, 1)
            let bars = r.trend.map { v in "<i style=\"height:\(v == 0 ? 0 : max(8, Int(v * 100 / peak)))%\"></i>" }.joined()
            let why = r.partiesToFix.isEmpty ? r.reason : r.reason + ": " + r.partiesToFix.joined(separator: ", ")
            html += "<tr><td>\(e(r.server ?? ""))</td><td>\(e(r.direction))</td><td>\(e(r.connector))</td>"
            html += "<td class=\"verdict \(r.verdict.rawValue)\">\(r.verdict.rawValue.replacingOccurrences(of: "_", with: " "))</td>"
            html += [r.legacySessions1d, r.legacySessions7d, r.legacySessions30d, Int64(r.legacyParties30d)].map { "<td class=\"n\">\($0)</td>" }.joined()
            html += "<td class=\"n\">\(r.daysSinceLegacy.map(String.init) ?? "")</td><td><span class=\"spark\">\(bars)</span></td><td>\(e(why))</td></tr>"
        }
        return html + "</tbody></table></div></section>"
    }

    static func page(_ window: String, _ body: String) -> String {
        let e = SummaryChart.escape
        return """
            <!DOCTYPE html>
            <html lang="en"><head><meta charset="utf-8">
            <meta name="viewport" content="width=device-width, initial-scale=1">
            <title>SMTP TLS summary \(e(window))</title>
            <style>\(style)</style></head>
            <body>\(body)</body></html>

            """
    }

    static func card(_ label: String, _ value: String, _ tone: String) -> String {
        "<div class=\"card \(tone)\"><div class=\"value\">\(SummaryChart.escape(value))</div><div class=\"label\">\(SummaryChart.escape(label))</div></div>"
    }

    static func parties(_ title: String, _ note: String, _ list: SummaryData.PartyList, protocols: Bool = true) -> String {
        let cut = list.isCut ? " (top \(list.rows.count) of \(list.total))" : ""
        let header = ["remote IP", "direction", "connector"] + (protocols ? ["protocols"] : [])
            + ["sessions", "EHLO", "sender domains", "server"]
        return "<section><h2>\(SummaryChart.escape(title + cut))</h2><p class=\"note\">\(SummaryChart.escape(note))</p>"
            + table(header, list.rows.map {
                [$0.remoteIP, $0.direction, $0.connector] + (protocols ? [$0.protocols] : [])
                    + [String($0.sessions), $0.ehloNames, $0.senderDomains, $0.server]
            }) + "</section>"
    }

    static func table(_ header: [String], _ rows: [[String]]) -> String {
        guard !rows.isEmpty else { return "<p class=\"none\">none</p>" }
        var html = "<div class=\"scroll\"><table><thead><tr>" + header.map { "<th>\(SummaryChart.escape($0))</th>" }.joined() + "</tr></thead><tbody>"
        for row in rows {
            html += "<tr>" + row.map { v in
                let numeric = !v.isEmpty && v.allSatisfy(\.isNumber)
                return "<td\(numeric ? " class=\"n\"" : "")>\(SummaryChart.escape(v))</td>"
            }.joined() + "</tr>"
        }
        return html + "</tbody></table></div>"
    }

    static func coverage(_ rows: [SummaryData.Coverage]) -> String {
        guard !rows.isEmpty else { return "<p class=\"none\">no logs in this window</p>" }
        var html = "<div class=\"scroll\"><table class=\"coverage\"><thead><tr><th>server</th><th>direction</th><th>day</th>"
        html += (0..<24).map { "<th>\(String(format2: $0))</th>" }.joined() + "</tr></thead><tbody>"
        for c in rows {
            html += "<tr><td>\(SummaryChart.escape(c.server))</td><td>\(c.direction)</td><td>\(c.day)</td>"
            html += c.hours.map { $0 == 0 ? "<td class=\"gap\"></td>" : "<td class=\"n\">\($0)</td>" }.joined() + "</tr>"
        }
        return html + "</tbody></table></div>"
    }

    static let style = """
        body{font:15px/1.45 -apple-system,Segoe UI,Roboto,Helvetica,Arial,sans-serif;margin:0 auto;max-width:1100px;padding:12px;color:#212121}
        h1{font-size:1.4em;margin:.3em 0}h1 small{color:#757575;font-weight:normal;font-size:.7em}
        h2{font-size:1.1em;margin:1.2em 0 .4em;border-bottom:1px solid #e0e0e0}
        .cards{display:flex;flex-wrap:wrap;gap:8px}.card{flex:1 1 140px;border-radius:6px;padding:8px 10px;background:#f5f5f5}
        .card .value{font-size:1.6em;font-weight:600}.card .label{color:#616161;font-size:.85em}
        .card.bad{background:#fde0dc}.card.good{background:#e0f2e9}
        .card.nodata{background:#fff3cd}.card.nodata .value{font-size:1.1em}.nodata{font-weight:600}
        .scroll{overflow-x:auto}table{border-collapse:collapse;font-size:.85em;min-width:100%}
        th,td{padding:3px 6px;border-bottom:1px solid #eeeeee;text-align:left;white-space:nowrap}td.n{text-align:right}
        table.coverage td,table.coverage th{padding:2px 3px;font-size:.8em}td.gap{background:#fde0dc}
        .note{color:#616161;font-size:.85em;margin:.2em 0}.none{color:#9e9e9e}
        figure.bars{margin:.4em 0;max-width:760px}figure.bars figcaption{color:#616161;font-size:.85em;margin-bottom:.3em}
        .bar-row{margin:0 0 .7em}.bar-label{font-size:.9em;font-weight:600;overflow-wrap:anywhere}
        .bar{display:flex;height:22px;border-radius:3px;overflow:hidden;background:#eeeeee}
        .bar span{display:block;font-size:12px;line-height:22px;text-align:center;white-space:nowrap;overflow:hidden}
        .bar-values{font-size:13px;color:#424242;margin-top:2px}.bar-values span{white-space:nowrap;margin-right:.6em}
        .bar-values i{display:inline-block;width:10px;height:10px;margin-right:3px;border-radius:2px;vertical-align:-1px}
        .spark{display:inline-flex;align-items:flex-end;height:18px;gap:1px;border-bottom:1px solid #bdbdbd}.spark i{display:block;width:3px;background:#c62828}
        td.verdict.not_ready{color:#c62828;font-weight:600}td.verdict.ready{color:#2e7d32;font-weight:600}td.verdict.unknown{color:#8d6e00}
        footer{margin-top:2em;color:#9e9e9e;font-size:.8em}
        """
}
