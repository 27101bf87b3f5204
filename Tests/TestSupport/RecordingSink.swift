import LogScanner

/// A ``RecordSink`` that copies everything it is told, for assertions.
public struct RecordingSink: RecordSink {
    public struct Row: Equatable {
        public var line: Int
        public var offset: UInt64
        public var logType: LogType
        public var timestamp: Int64
        /// Every field, outer quotes removed and `""` unescaped, in column order.
        public var fields: [[UInt8]]
        public func text(_ i: Int) -> String { String(decoding: fields[i], as: UTF8.self) }
    }

    public var rows: [Row] = []
    public var malformed: [MalformedRow] = []
    public var fingerprint: UInt64?
    public var headerChanges = 0

    public init() {}

    public mutating func identified(fingerprint: UInt64) { self.fingerprint = fingerprint }
    public mutating func headerChanged(_ header: LogHeader) { headerChanges += 1 }
    public mutating func malformed(_ row: MalformedRow) { malformed.append(row) }

    public mutating func record(_ r: borrowing RecordView) {
        var fields: [[UInt8]] = []
        for i in 0..<r.layout.count { fields.append(r[field: i].unescaped().bytes) }
        rows.append(Row(line: r.lineNumber, offset: r.offset, logType: r.logType, timestamp: r.timestamp, fields: fields))
    }

    /// Scans `bytes` delivered in the given chunk sizes (cycled; empty = one chunk).
    public static func scan(_ bytes: [UInt8], chunks: [Int] = []) -> (RecordingSink, ScanStatistics) {
        var sink = RecordingSink()
        var scanner = RecordScanner()
        bytes.withUnsafeBytes { all in
            if chunks.isEmpty {
                scanner.feed(all, into: &sink)
            } else {
                var offset = 0
                var i = 0
                while offset < all.count {
                    let n = min(chunks[i % chunks.count], all.count - offset)
                    scanner.feed(UnsafeRawBufferPointer(rebasing: all[offset..<offset + n]), into: &sink)
                    offset += n
                    i += 1
                }
            }
        }
        scanner.finish(into: &sink)
        return (sink, scanner.statistics)
    }
}
