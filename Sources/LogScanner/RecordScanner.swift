import ByteInput
import CByteSearch

/// Turns a stream of chunks into records, header updates and malformed-row reports.
///
/// The scanner is a state machine over bytes, not over chunks: feed it the mapping of a whole
/// file, or the same bytes in chunks of any size (decompressed blocks), and the sink sees the
/// same calls. A line split across chunks is copied into a small carry buffer; every other line
/// is handed out as a view into the caller's buffer without copying.
///
/// Rules (docs/formats.md): a record is one physical line ending in LF (CR before it is
/// dropped); a UTF-8 byte-order mark is ignored at the start of any line; `#` lines update the
/// header; a row whose field count differs from `#Fields`, whose quote is unterminated, whose
/// date-time does not parse, or that precedes any usable header is malformed and reported; a
/// last line without LF is not a record yet and is neither counted nor reported.
public struct RecordScanner {
    public internal(set) var header = LogHeader() {
        didSet {
            recordShape = header.layout.flatMap { layout in
                header.logType.map { (layout, $0, layout == .exchangeDefault) }
            }
        }
    }
    /// The header's layout and log type when it has both (records can be read), kept beside it
    /// so a row does not unwrap the header's optionals again; and whether the layout is the one
    /// Exchange writes (a record's fields are then read from fixed columns).
    @usableFromInline var recordShape: (layout: FieldLayout, logType: LogType, isExchangeDefault: Bool)?
    /// What ``statistics`` reports (stored under another name so the scanning loop, inlined
    /// into its caller, can count).
    @usableFromInline var counts = ScanStatistics()
    public var statistics: ScanStatistics { counts }
    /// Lines longer than this are reported as malformed and never buffered whole.
    public let maximumLineBytes: Int

    @usableFromInline var carry: [UInt8] = []
    /// Stream offset of `carry[0]`.
    @usableFromInline var carryOffset: UInt64 = 0
    /// Inside an over-long line that is being skipped up to its LF.
    @usableFromInline var discarding = false
    var discardedBytes = 0
    /// Bytes fed so far: the stream offset of the next chunk.
    @usableFromInline var streamOffset: UInt64 = 0
    @usableFromInline var fingerprint = FNV1a64()
    @usableFromInline var identified = false
    @usableFromInline var dayCache = Timestamp.DayCache()
    /// The kernel's output for one batch of lines, kept between regions.
    @usableFromInline var lineBatch: [smtptls_line_fields] = []

    /// - Parameter maximumLineBytes: longest line accepted (1 MiB: real records are < 10 KB).
    public init(maximumLineBytes: Int = 1 << 20) {
        self.maximumLineBytes = max(256, maximumLineBytes)
    }

    /// Scans the next chunk of the stream. Inlinable with the loop under it, so that a caller's
    /// concrete sink is compiled into the loop (docs/performance.md, "The sink in the loop").
    @inlinable
    public mutating func feed<S: RecordSink>(_ chunk: UnsafeRawBufferPointer, into sink: inout S) {
        let chunkOffset = streamOffset
        streamOffset += UInt64(chunk.count)
        var rest = chunk
        if discarding || !carry.isEmpty {
            guard let nl = rest.firstIndex(of: 0x0A) else {
                appendToCarry(rest, sink: &sink)
                return
            }
            appendToCarry(UnsafeRawBufferPointer(rebasing: rest[0...nl]), sink: &sink)
            if discarding {
                finishDiscardedLine(endOffset: chunkOffset + UInt64(nl) + 1, sink: &sink)
            } else {
                let lineBytes = carry
                lineBytes.withUnsafeBytes { buffer in
                    let tail = scanRegion(buffer, baseOffset: carryOffset, sink: &sink)
                    assert(tail == buffer.count, "the carry holds exactly one complete line")
                }
                carry.removeAll(keepingCapacity: carry.capacity <= 1 << 16)
            }
            rest = UnsafeRawBufferPointer(rebasing: rest[(nl + 1)...])
        }
        let restOffset = chunkOffset + UInt64(chunk.count - rest.count)
        let tail = scanRegion(rest, baseOffset: restOffset, sink: &sink)
        if tail < rest.count {
            carryOffset = restOffset + UInt64(tail)
            appendToCarry(UnsafeRawBufferPointer(rebasing: rest[tail...]), sink: &sink)
        }
    }

    /// Ends the stream: bytes after the last LF are a half-written line, not a record.
    public mutating func finish<S: RecordSink>(into sink: inout S) {
        counts.incompleteTailBytes = carry.count + (discarding ? discardedBytes : 0)
        carry = []
        discarding = false
        discardedBytes = 0
        sink.ended()
    }

    /// Convenience: scans a whole source.
    public mutating func scan<Source: ByteSource, S: RecordSink>(_ source: inout Source, into sink: inout S) throws {
        try source.forEachChunk { feed($0, into: &sink) }
        finish(into: &sink)
    }

    @usableFromInline mutating func appendToCarry<S: RecordSink>(_ bytes: UnsafeRawBufferPointer, sink: inout S) {
        if discarding {
            discardedBytes += bytes.count
            return
        }
        if carry.count + bytes.count > maximumLineBytes + 2 {
            discarding = true
            discardedBytes = carry.count + bytes.count
            carry.removeAll()
            return
        }
        carry.append(contentsOf: bytes)
    }

    @usableFromInline mutating func finishDiscardedLine<S: RecordSink>(endOffset: UInt64, sink: inout S) {
        counts.lines += 1
        counts.malformedRows += 1
        counts.consumedBytes = endOffset
        if !identified {
            // The first row is too long to keep: the input is identified by its header and the
            // row's length instead (see processLine).
            var length = UInt64(discardedBytes)
            withUnsafeBytes(of: &length) { fingerprint.combine($0) }
            identified = true
            sink.identified(fingerprint: fingerprint.value)
        }
        sink.malformed(MalformedRow(
            line: counts.lines, offset: carryOffset, reason: .lineTooLong(bytes: discardedBytes),
            excerpt: "(not kept)"))
        discarding = false
        discardedBytes = 0
    }
}
