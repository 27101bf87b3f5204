import LogScanner

/// Day numbers as the rollups' `day` text (`2024-03-01`), each made once per commit, and the
/// first and last day met: the range a commit's upserts look keys up in.
struct DayTexts {
    private var texts: [Int64: String] = [:]

    mutating func text(_ day: Int64) -> String {
        if let t = texts[day] { return t }
        let t = UTCDay(number: day).description
        texts[day] = t
        return t
    }

    /// The first and last day met, nil before any.
    var range: ClosedRange<String>? {
        guard let first = texts.keys.min(), let last = texts.keys.max() else { return nil }
        return texts[first]! ... texts[last]!
    }
}
