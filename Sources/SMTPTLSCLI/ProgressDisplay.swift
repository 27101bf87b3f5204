import Foundation
import Ingest

#if canImport(Glibc)
    import Glibc
#endif

/// The progress line on stderr while ingesting: bytes done of total, MB/s, ETA, current input.
///
/// Drawn only when stderr is a terminal, at most ten times a second, and erased at the end, so
/// logs and pipes never see it. stdout is never touched.
final class ProgressDisplay {
    private let total: UInt64
    private var done: UInt64 = 0
    private let started = Date()
    private var lastDraw = Date.distantPast
    private let enabled: Bool
    private let verbose: Bool

    init(totalBytes: UInt64, quiet: Bool, verbose: Bool) {
        total = max(1, totalBytes)
        enabled = !quiet && isatty(STDERR_FILENO) == 1
        self.verbose = verbose && !quiet
    }

    func update(_ result: InputScanResult) {
        done += result.bytesRead
        if verbose {
            clear()
            let what: String
            if let failure = result.failure {
                what = "\(failure)"
            } else {
                what = "\(result.tracker.records) records, \(result.tracker.malformedRows) malformed, \(result.tracker.sessionsCompleted) sessions within"
            }
            FileHandleOutput.standardError("\(result.name): \(what)")
        }
        guard enabled, Date().timeIntervalSince(lastDraw) >= 0.1 || done >= total else { return }
        lastDraw = Date()
        let elapsed = max(0.001, Date().timeIntervalSince(started))
        let rate = Double(done) / elapsed
        let fraction = min(1, Double(done) / Double(total))
        let eta = rate > 0 ? Double(total - min(total, done)) / rate : 0
        let name = (result.input.path as NSString).lastPathComponent
        let line = Self.line(
            fraction: fraction, done: done, total: total, rate: rate, eta: eta, name: name, columns: Self.terminalColumns())
        FileHandle.standardError.write(Data(("\r\u{1B}[K" + line).utf8))
    }

    /// The progress line in at most `columns - 1` characters (a line as wide as the terminal
    /// wraps, and every redraw would then scroll): the file name is shortened first, then the bar.
    static func line(
        fraction: Double, done: UInt64, total: UInt64, rate: Double, eta: Double, name: String, columns: Int
    ) -> String {
        let limit = max(20, columns - 1)
        let figures = String(
            format: "%3.0f%% %.0f/%.0f MB %.0f MB/s ETA %.0fs", fraction * 100, Double(done) / 1e6, Double(total) / 1e6,
            rate / 1e6, eta)
        var width = 24
        func bar() -> String {
            let filled = Int(fraction * Double(width))
            return "[" + String(repeating: "#", count: filled) + String(repeating: ".", count: width - filled) + "] "
        }
        var room = limit - bar().count - figures.count - 1
        if room < 12 {
            width = max(0, width - (12 - room))
            room = limit - (width > 0 ? bar().count : 0) - figures.count - 1
        }
        var shown = name
        if shown.count > room {
            shown = room > 1 ? "…" + String(shown.suffix(room - 1)) : ""
        }
        let line = (width > 0 ? bar() : "") + figures + (shown.isEmpty ? "" : " " + shown)
        return String(line.prefix(limit))
    }

    /// The terminal's width (`TIOCGWINSZ` on stderr, else `$COLUMNS`, else 80).
    static func terminalColumns() -> Int {
        var size = winsize()
        if ioctl(STDERR_FILENO, UInt(TIOCGWINSZ), &size) == 0, size.ws_col > 0 { return Int(size.ws_col) }
        return Int(ProcessInfo.processInfo.environment["COLUMNS"] ?? "") ?? 80
    }

    /// Erases the line (before the summary is printed).
    func clear() {
        guard enabled else { return }
        FileHandle.standardError.write(Data("\r\u{1B}[K".utf8))
    }
}
