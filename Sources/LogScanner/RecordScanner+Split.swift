import CByteSearch

// The scanner's only unsafe pointer code: splitting a contiguous region into lines and fields.
//
// Invariants:
// - `region` is valid for the whole call; nothing derived from it is stored after the call.
//   Records handed to the sink point into it and are valid only during the sink call.
// - Loads are 64 bytes wide. A full 64-byte block is loaded only when it lies inside the region;
//   the last partial block is copied into a zero-filled 64-byte stack buffer first, so no load
//   ever crosses the end of a mapping (zero bytes are not structural characters).
// - Field offsets are stored relative to the line start as Int32; lines longer than
//   `maximumLineBytes` (< 2 GiB) are reported before any stored offset is used.
// - A quote toggles "inside quotes" (so `""` inside a quoted field toggles twice); commas inside
//   quotes do not split; LF always ends the line, inside quotes or not (a record never spans
//   lines), and resets the state.

extension RecordScanner {
    /// Scans the complete lines of `region` and returns the index just after the last LF (the
    /// start of the incomplete tail, `region.count` if none).
    mutating func scanRegion<S: RecordSink>(
        _ region: UnsafeRawBufferPointer, baseOffset: UInt64, sink: inout S
    ) -> Int {
        guard let base = region.baseAddress, !region.isEmpty else { return 0 }
        let n = region.count
        var lineStart = 0
        var fieldStart = 0
        var inQuote = false
        var bounds = FieldBounds()
        var block = 0
        return withUnsafeTemporaryAllocation(byteCount: 64, alignment: 64) { pad in
            while block < n {
                var mask: UInt64
                if n - block >= 64 {
                    mask = smtptls_structural_mask64(base.advanced(by: block).assumingMemoryBound(to: UInt8.self))
                } else {
                    pad.initializeMemory(as: UInt8.self, repeating: 0)
                    pad.copyMemory(from: UnsafeRawBufferPointer(start: base.advanced(by: block), count: n - block))
                    mask = smtptls_structural_mask64(pad.baseAddress!.assumingMemoryBound(to: UInt8.self))
                }
                while mask != 0 {
                    let i = block &+ mask.trailingZeroBitCount
                    mask &= mask &- 1
                    let c = base.load(fromByteOffset: i, as: UInt8.self)
                    if c == 0x22 {  // "
                        inQuote.toggle()
                        if bounds.count < 32 { bounds.quoted |= 1 << UInt32(bounds.count) }
                    } else if c == 0x2C {  // ,
                        if !inQuote {
                            if bounds.count < FieldLayout.maximumFields {
                                bounds.starts[bounds.count] = Int32(truncatingIfNeeded: fieldStart &- lineStart)
                                bounds.ends[bounds.count] = Int32(truncatingIfNeeded: i &- lineStart)
                            }
                            bounds.count &+= 1
                            fieldStart = i &+ 1
                        }
                    } else {  // LF
                        var end = i
                        if end > lineStart, base.load(fromByteOffset: end &- 1, as: UInt8.self) == 0x0D { end &-= 1 }
                        if bounds.count < FieldLayout.maximumFields {
                            bounds.starts[bounds.count] = Int32(truncatingIfNeeded: fieldStart &- lineStart)
                            bounds.ends[bounds.count] = Int32(truncatingIfNeeded: max(fieldStart, end) &- lineStart)
                        }
                        bounds.count &+= 1
                        processLine(
                            UnsafeRawBufferPointer(start: base.advanced(by: lineStart), count: end &- lineStart),
                            offset: baseOffset &+ UInt64(lineStart), terminatorEnd: baseOffset &+ UInt64(i &+ 1),
                            bounds: &bounds, unterminatedQuote: inQuote, sink: &sink)
                        lineStart = i &+ 1
                        fieldStart = lineStart
                        inQuote = false
                        bounds.count = 0
                        bounds.quoted = 0
                    }
                }
                block &+= 64
            }
            return lineStart
        }
    }

    /// Classifies one complete line (terminator removed) and tells the sink.
    @inline(__always)
    mutating func processLine<S: RecordSink>(
        _ line: UnsafeRawBufferPointer, offset: UInt64, terminatorEnd: UInt64,
        bounds: inout FieldBounds, unterminatedQuote: Bool, sink: inout S
    ) {
        statistics.lines &+= 1
        statistics.consumedBytes = terminatorEnd
        var content = line
        if line.count >= 3, line[0] == 0xEF, line[1] == 0xBB, line[2] == 0xBF {
            content = UnsafeRawBufferPointer(rebasing: line[3...])
            if bounds.starts[0] < 3 { bounds.starts[0] = 3 }
        }
        if !identified && !content.isEmpty {
            fingerprint.combine(content)
            fingerprint.combine(byte: 0x0A)
        }
        guard let first = content.first else {
            statistics.blankLines &+= 1
            return
        }
        if first == 0x23 {  // '#'
            statistics.headerLines &+= 1
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
        } else if let layout = header.layout, let logType = header.logType {
            if unterminatedQuote {
                reason = .unterminatedQuote
            } else if bounds.count != layout.count {
                reason = .fieldCount(expected: layout.count, found: bounds.count)
            } else if let t = Timestamp.parse(bounds.field(layout.dateTime, in: line), cache: &dayCache) {
                timestamp = t
                statistics.records &+= 1
                sink.record(RecordView(
                    line: line, lineNumber: statistics.lines, offset: offset, logType: logType,
                    layout: layout, timestamp: timestamp, bounds: bounds))
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
        statistics.malformedRows &+= 1
        sink.malformed(MalformedRow(
            line: statistics.lines, offset: offset, reason: reason, excerpt: MalformedRow.excerpt(content)))
    }
}
