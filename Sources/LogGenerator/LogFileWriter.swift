import Foundation
import LogScanner

/// Writes one log stream (a server's receive or send log) into rotated files, as Exchange does:
/// hourly (2013+) or daily (2010) names, `-N` when a file reaches the size limit, a BOM and a
/// header block at the start of each file, CRLF line ends.
final class LogFileWriter {
    let directory: URL
    let relativeDirectory: String
    let prefix: String  // RECV / SEND
    let modern: Bool
    let logType: LogType
    let sizeLimit: Int
    private var handle: FileHandle?
    private var buffer: [UInt8] = []
    private var currentPeriod = ""
    private var index = 0
    private var written = 0
    private(set) var files: [String] = []
    private(set) var totalBytes = 0

    init(root: URL, relativeDirectory: String, logType: LogType, modern: Bool, sizeLimit: Int) throws {
        self.relativeDirectory = relativeDirectory
        self.directory = root.appendingPathComponent(relativeDirectory)
        self.prefix = logType == .receive ? "RECV" : "SEND"
        self.logType = logType
        self.modern = modern
        self.sizeLimit = sizeLimit
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    }

    /// The file period for a log time: `yyyyMMddHH` (2013+) or `yyyyMMdd` (2010).
    func period(_ time: Int64) -> String {
        let day = Timestamp.day(time).replacingOccurrences(of: "-", with: "")
        guard modern else { return day }
        let hour = (time / 3_600_000) % 24
        return day + (hour < 10 ? "0" : "") + String(hour)
    }

    func header(_ time: Int64, bom: Bool) -> [UInt8] {
        let type = logType == .receive ? "SMTP Receive Protocol Log" : "SMTP Send Protocol Log"
        let text = """
            #Software: Microsoft Exchange Server\r
            #Version: \(modern ? "15.0.0.0" : "14.0.0.0")\r
            #Log-type: \(type)\r
            #Date: \(Timestamp.iso(time + 3))\r
            #Fields: date-time,connector-id,session-id,sequence-number,local-endpoint,remote-endpoint,event,data,context\r

            """
        return (bom ? [0xEF, 0xBB, 0xBF] : []) + Array(text.utf8)
    }

    /// Appends one line, opening the right file first.
    func write(_ line: SessionScript.Line, forcePeriod: String? = nil) throws {
        let p = forcePeriod ?? period(line.time)
        if handle == nil || p != currentPeriod && forcePeriod == nil {
            try open(period: p, firstTime: line.time, restartIndex: true)
        } else if written + line.bytes.count > sizeLimit {
            try open(period: currentPeriod, firstTime: line.time, restartIndex: false)
        }
        append(line.bytes)
    }

    /// Raw bytes in the current file (quirks: a header block mid-file, malformed rows).
    func writeRaw(_ bytes: [UInt8]) { append(bytes) }

    var hasOpenFile: Bool { handle != nil }

    private func append(_ bytes: [UInt8]) {
        buffer += bytes
        written += bytes.count
        totalBytes += bytes.count
        if buffer.count > 1 << 20 { flush() }
    }

    private func flush() {
        guard !buffer.isEmpty, let handle else { return }
        handle.write(Data(buffer))
        buffer.removeAll(keepingCapacity: true)
    }

    private func open(period: String, firstTime: Int64, restartIndex: Bool) throws {
        close()
        index = restartIndex ? 1 : index + 1
        currentPeriod = period
        let name = "\(prefix)\(period)-\(index).LOG"
        let url = directory.appendingPathComponent(name)
        _ = FileManager.default.createFile(atPath: url.path, contents: nil)
        handle = try FileHandle(forWritingTo: url)
        files.append(relativeDirectory + "/" + name)
        written = 0
        append(header(firstTime, bom: true))
    }

    func close() {
        flush()
        try? handle?.close()
        handle = nil
    }
}
