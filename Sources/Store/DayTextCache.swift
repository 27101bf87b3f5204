import LogScanner

/// Days as stored (`YYYY-MM-DD`), the last one kept: a commit's rows are mostly of one or two
/// days, and a table's rows come day by day.
struct DayTextCache {
    private var day = Int64.min
    private var text: [UInt8] = []

    mutating func text(_ day: Int64) -> [UInt8] {
        if day != self.day {
            self.day = day
            text = []
            UTCDay(number: day).appendText(to: &text)
        }
        return text
    }
}
