/// The HTML summary's charts: 100 %-stacked bars of protocol shares, drawn with plain HTML and
/// CSS (no SVG scaling, no script), so that every number is printed — on the bar when the
/// segment is wide enough, and always in the line under it — and text keeps its size on a phone,
/// in a mail attachment and on paper. Nothing needs a mouse.
enum SummaryChart {
    /// Colours per protocol: legacy in warm colours that stay apart (SSL2 purple, SSL3 dark red),
    /// modern in cool ones; each has a text colour readable on it.
    static let colors: [String: (fill: String, text: String)] = [
        "SSL2": ("#6a1b9a", "#ffffff"), "SSL3": ("#b71c1c", "#ffffff"), "TLS1.0": ("#e64a19", "#ffffff"),
        "TLS1.1": ("#ffb300", "#212121"), "TLS1.2": ("#1565c0", "#ffffff"), "TLS1.3": ("#2e7d32", "#ffffff"),
        "not logged": ("#9e9e9e", "#212121"),
    ]

    struct Bar {
        var label: String
        var counts: [SummaryData.Count]
    }

    /// One bar per row: the full label above it (wrapped, never cut), the shares on it, and
    /// every protocol with its share and count under it.
    static func stackedBars(_ bars: [Bar], title: String) -> String {
        var html = "<figure class=\"bars\" aria-label=\"\(escape(title))\"><figcaption>\(escape(title))</figcaption>"
        for bar in bars {
            let counts = bar.counts.filter { $0.sessions > 0 }
            let total = max(1, counts.reduce(0) { $0 + $1.sessions })
            html += "<div class=\"bar-row\"><div class=\"bar-label\">\(escape(bar.label))</div><div class=\"bar\">"
            for c in counts {
                let share = 100 * Double(c.sessions) / Double(total)
                let (fill, text) = colors[c.name] ?? ("#bdbdbd", "#212121")
                let shown = share >= 9 ? "\(percent(share))" : ""
                html += "<span style=\"width:\(fmt(share))%;background:\(fill);color:\(text)\">\(shown)</span>"
            }
            html += "</div><div class=\"bar-values\">"
            html += counts.map { c in
                let share = 100 * Double(c.sessions) / Double(total)
                let fill = colors[c.name]?.fill ?? "#bdbdbd"
                return "<span><i style=\"background:\(fill)\"></i>\(escape(c.name)) \(percent(share)) (\(grouped(c.sessions)))</span>"
            }.joined(separator: " ")
            html += "</div></div>"
        }
        return html + "</figure>"
    }

    /// `62%`, or `0.4%` below one percent.
    static func percent(_ share: Double) -> String {
        share < 1 && share > 0 ? "\(Double(Int(share * 10)) / 10)%" : "\(Int(share.rounded()))%"
    }

    /// `12,345`.
    static func grouped(_ n: Int64) -> String {
        let digits = String(n)
        var out = ""
        for (i, c) in digits.enumerated() {
            if i > 0 && (digits.count - i) % 3 == 0 { out.append(",") }
            out.append(c)
        }
        return out
    }

    static func fmt(_ v: Double) -> String { String(Double(Int(v * 100)) / 100) }

    static func escape(_ s: String) -> String {
        var out = ""
        for c in SummaryText.clean(s) {
            switch c {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&#39;"
            default: out.append(c)
            }
        }
        return out
    }
}
