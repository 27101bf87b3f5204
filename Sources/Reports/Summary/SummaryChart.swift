/// Inline SVG charts for the HTML summary: stacked horizontal bars of protocol shares.
enum SummaryChart {
    /// Colours per protocol: legacy in warm colours, modern in cool ones.
    static let colors: [String: String] = [
        "SSL2": "#7f0000", "SSL3": "#b30000", "TLS1.0": "#e34a33", "TLS1.1": "#fc8d59",
        "TLS1.2": "#3182bd", "TLS1.3": "#31a354", "not logged": "#9e9e9e",
    ]

    struct Bar {
        var label: String
        var counts: [SummaryData.Count]
    }

    /// One 100 %-stacked bar per row, labelled, with the share of each protocol.
    static func stackedBars(_ bars: [Bar], title: String) -> String {
        let rowHeight = 24, labelWidth = 230, barWidth = 400, top = 30
        let height = top + bars.count * rowHeight + 34
        var svg = """
            <svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 \(labelWidth + barWidth + 10) \(height)" role="img" aria-label="\(escape(title))" class="chart">
            <text x="0" y="16" class="chart-title">\(escape(title))</text>
            """
        for (i, bar) in bars.enumerated() {
            let y = top + i * rowHeight
            let total = max(1, bar.counts.reduce(0) { $0 + $1.sessions })
            svg += "<text x=\"\(labelWidth - 6)\" y=\"\(y + 14)\" text-anchor=\"end\" class=\"chart-label\">\(escape(shorten(bar.label)))</text>"
            var x = Double(labelWidth)
            for c in bar.counts where c.sessions > 0 {
                let w = Double(barWidth) * Double(c.sessions) / Double(total)
                let pct = Int((100 * Double(c.sessions) / Double(total)).rounded())
                svg += "<rect x=\"\(fmt(x))\" y=\"\(y + 2)\" width=\"\(fmt(w))\" height=\"\(rowHeight - 6)\" fill=\"\(colors[c.name] ?? "#bdbdbd")\"><title>\(escape(c.name)): \(c.sessions) sessions (\(pct)%)</title></rect>"
                x += w
            }
        }
        // Legend.
        var lx = 0
        let ly = top + bars.count * rowHeight + 14
        for name in SummaryData.protocolOrder {
            svg += "<rect x=\"\(lx)\" y=\"\(ly)\" width=\"12\" height=\"12\" fill=\"\(colors[name]!)\"/><text x=\"\(lx + 16)\" y=\"\(ly + 11)\" class=\"chart-legend\">\(name)</text>"
            lx += name.count * 9 + 26
        }
        return svg + "</svg>"
    }

    static func shorten(_ s: String) -> String { s.count > 28 ? String(s.prefix(27)) + "…" : s }
    static func fmt(_ v: Double) -> String { String(Double(Int(v * 10)) / 10) }

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
