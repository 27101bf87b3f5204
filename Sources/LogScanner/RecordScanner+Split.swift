import CByteSearch

// The scanner's only pointer code on the Swift side: walking a contiguous region line by line
// with the C kernel `smtptls_split_lines` (Sources/CByteSearch), which finds a batch of lines'
// LFs and field bounds in one pass over their bytes.
//
// Invariants:
// - `region` is valid for the whole call; nothing derived from it is stored after the call.
//   Records handed to the sink point into it and are valid only during the sink call.
// - The kernel is given exactly the bytes from the current line's start to the region's end, so
//   it never reads beyond the region (no padding, no copy of the last block), and writes only
//   into `lineBatch`, whose count it is given.
// - A record's field bounds point into `lineBatch`'s storage, which is neither resized nor
//   rewritten while the sink reads the record (the next kernel call comes after the sink
//   returns).
// - Field bounds are Int32 indexes from each line's start; lines longer than `maximumLineBytes`
//   (< 2 GiB) are reported before any bound is used.

extension RecordScanner {
    /// Lines split per kernel call.
    @usableFromInline static let batchLines = 128

    /// Scans the complete lines of `region` and returns the index just after the last LF (the
    /// start of the incomplete tail, `region.count` if none).
    @inlinable
    mutating func scanRegion<S: RecordSink>(
        _ region: UnsafeRawBufferPointer, baseOffset: UInt64, sink: inout S
    ) -> Int {
        guard let base = region.baseAddress, !region.isEmpty else { return 0 }
        let n = region.count
        var batch = lineBatch
        lineBatch = []
        defer { lineBatch = batch }
        if batch.count < Self.batchLines { batch = Array(repeating: smtptls_line_fields(), count: Self.batchLines) }
        var lineStart = 0
        batch.withUnsafeMutableBufferPointer { lines in
            let results = lines.baseAddress!
            // Set while the input is identified and its header is Exchange's layout; a line
            // that takes the general path may change either, so it is read again after one.
            var exchangeShape = exchangeRecordShape
            while lineStart < n {
                var consumed = 0
                let found = smtptls_split_lines(
                    base.advanced(by: lineStart).assumingMemoryBound(to: UInt8.self), n &- lineStart,
                    results, lines.count, &consumed)
                for k in 0..<found {
                    let lf = lineStart &+ Int(results[k].newline)
                    var end = lf
                    if end > lineStart, base.load(fromByteOffset: end &- 1, as: UInt8.self) == 0x0D { end &-= 1 }
                    let line = UnsafeRawBufferPointer(start: base.advanced(by: lineStart), count: end &- lineStart)
                    let offset = baseOffset &+ UInt64(lineStart)
                    let terminatorEnd = baseOffset &+ UInt64(lf &+ 1)
                    if let shape = exchangeShape, let t = exchangeRecordTime(line, fields: results + k) {
                        counts.lines &+= 1
                        counts.consumedBytes = terminatorEnd
                        counts.records &+= 1
                        sink.record(RecordView(
                            line: line, lineNumber: counts.lines, offset: offset, logType: shape.logType,
                            layout: shape.layout, isExchangeDefault: true, timestamp: t,
                            bounds: FieldBounds(results + k, firstStart: 0)))
                    } else {
                        processLine(line, offset: offset, terminatorEnd: terminatorEnd, fields: results + k, sink: &sink)
                        exchangeShape = exchangeRecordShape
                    }
                    lineStart = lf &+ 1
                }
                if found < lines.count { break }
            }
        }
        return lineStart
    }

    /// The record shape when the input is identified and its layout is Exchange's own: then
    /// ``exchangeRecordTime(_:fields:)`` may take a line without the general checks.
    @inlinable
    var exchangeRecordShape: (layout: FieldLayout, logType: LogType)? {
        guard identified, let shape = recordShape, shape.isExchangeDefault else { return nil }
        return (shape.layout, shape.logType)
    }

    /// Nearly every line of an Exchange log: nine fields, no quote open at the end, an unquoted
    /// date-time of Exchange's 24 bytes that parses (so the line is neither a header, nor blank,
    /// nor after a byte-order mark: it starts with a digit). Its log time (through the day
    /// cache); nil sends the line down ``processLine(_:offset:terminatorEnd:fields:sink:)``, which
    /// checks everything.
    @inlinable @inline(__always)
    mutating func exchangeRecordTime(_ line: UnsafeRawBufferPointer, fields: UnsafePointer<smtptls_line_fields>) -> Int64? {
        let f = fields.pointee
        guard f.field_count == 9, f.open_quote == 0, f.quoted & 1 == 0, f.field_end.0 == 24,
            line.count <= maximumLineBytes, let p = line.baseAddress
        else { return nil }
        return Timestamp.parse(FieldView(bytes: UnsafeRawBufferPointer(start: p, count: 24), isQuoted: false), cache: &dayCache)
    }

    /// Classifies one complete line (terminator removed) and tells the sink: every line the
    /// short path (``exchangeRecordTime(_:fields:)``) did not take. A record of an input already
    /// identified, without a byte-order mark, is handled here; every other line (and a record
    /// that turns out malformed) takes ``processOtherLine(_:offset:fields:sink:)``, which
    /// classifies it from the start.
    @inlinable @inline(__always)
    mutating func processLine<S: RecordSink>(
        _ line: UnsafeRawBufferPointer, offset: UInt64, terminatorEnd: UInt64,
        fields: UnsafePointer<smtptls_line_fields>, sink: inout S
    ) {
        counts.lines &+= 1
        counts.consumedBytes = terminatorEnd
        if identified, let shape = recordShape, let first = line.first, first != 0x23, first != 0xEF,
            line.count <= maximumLineBytes, fields.pointee.open_quote == 0
        {
            let bounds = FieldBounds(fields, firstStart: 0)
            if bounds.count == shape.layout.count,
                let t = Timestamp.parse(
                    bounds.field(shape.isExchangeDefault ? 0 : shape.layout.dateTime, in: line), cache: &dayCache)
            {
                counts.records &+= 1
                sink.record(RecordView(
                    line: line, lineNumber: counts.lines, offset: offset, logType: shape.logType,
                    layout: shape.layout, isExchangeDefault: shape.isExchangeDefault, timestamp: t, bounds: bounds))
                return
            }
        }
        processOtherLine(line, offset: offset, fields: fields, sink: &sink)
    }

    /// ``processLine(_:offset:terminatorEnd:fields:sink:)`` for a blank, header or malformed
    /// line, a byte-order mark, or an input's first record.
    @usableFromInline
    mutating func processOtherLine<S: RecordSink>(
        _ line: UnsafeRawBufferPointer, offset: UInt64, fields: UnsafePointer<smtptls_line_fields>, sink: inout S
    ) {
        var content = line
        if line.count >= 3, line[0] == 0xEF, line[1] == 0xBB, line[2] == 0xBF {
            content = UnsafeRawBufferPointer(rebasing: line[3...])
        }
        if !identified && !content.isEmpty {
            fingerprint.combine(content)
            fingerprint.combine(byte: 0x0A)
        }
        guard let first = content.first else {
            counts.blankLines &+= 1
            return
        }
        if first == 0x23 {  // '#'
            counts.headerLines &+= 1
            if header.apply(line: content) { sink.headerChanged(header) }
            return
        }
        // The input is identified by its header and first row, whether that row is a record or
        // malformed: a file of nothing but bad rows still enters the ledger once, and a re-run
        // skips (does not recount) what it already read.
        if !identified {
            identified = true
            sink.identified(fingerprint: fingerprint.value)
        }
        let reason: MalformedReason
        var timestamp: Int64 = 0
        if line.count > maximumLineBytes {
            reason = .lineTooLong(bytes: line.count)
        } else if let shape = recordShape {
            let bounds = FieldBounds(fields, firstStart: content.count == line.count ? 0 : 3)
            if fields.pointee.open_quote != 0 {
                reason = .unterminatedQuote
            } else if bounds.count != shape.layout.count {
                reason = .fieldCount(expected: shape.layout.count, found: bounds.count)
            } else if let t = Timestamp.parse(bounds.field(shape.layout.dateTime, in: line), cache: &dayCache) {
                timestamp = t
                counts.records &+= 1
                sink.record(RecordView(
                    line: line, lineNumber: counts.lines, offset: offset, logType: shape.logType,
                    layout: shape.layout, isExchangeDefault: shape.isExchangeDefault, timestamp: timestamp,
                    bounds: bounds))
                return
            } else {
                reason = .badTimestamp
            }
        } else if let problem = header.layoutProblem {
            reason = .noHeader(problem)
        } else if case .other(let name) = header.kind {
            reason = .noHeader("not an SMTP protocol log (#Log-type: \(name))")
        } else {
            reason = .noHeader("no #Fields and #Log-type header before this row")
        }
        counts.malformedRows &+= 1
        sink.malformed(MalformedRow(
            line: counts.lines, offset: offset, reason: reason, excerpt: MalformedRow.excerpt(content)))
    }
}
