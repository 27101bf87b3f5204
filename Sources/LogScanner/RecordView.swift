import CByteSearch

/// A well-formed record: its line and the byte ranges of its fields, without copies.
///
/// - Warning: points into the scanner's buffer; valid only during ``RecordSink/record(_:)``.
public struct RecordView {
    /// The whole line (a leading byte-order mark included, terminator excluded).
    public let line: UnsafeRawBufferPointer
    /// 1-based physical line number within the input.
    public let lineNumber: Int
    /// Byte offset of the line's start within the (decompressed) input.
    public let offset: UInt64
    public let logType: LogType
    public let layout: FieldLayout
    /// Whether ``layout`` is ``FieldLayout/exchangeDefault``: the scanner checked that the record
    /// has its nine fields, so the accessors below read fixed columns without looking the index
    /// up in the layout or checking it against the fields found.
    @usableFromInline let isExchangeDefault: Bool
    /// The `date-time` column as milliseconds since the epoch (UTC).
    public let timestamp: Int64
    @usableFromInline let bounds: FieldBounds

    @inlinable
    init(line: UnsafeRawBufferPointer, lineNumber: Int, offset: UInt64, logType: LogType,
         layout: FieldLayout, isExchangeDefault: Bool, timestamp: Int64, bounds: FieldBounds) {
        self.line = line
        self.lineNumber = lineNumber
        self.offset = offset
        self.logType = logType
        self.layout = layout
        self.isExchangeDefault = isExchangeDefault
        self.timestamp = timestamp
        self.bounds = bounds
    }

    /// The same record, built anew from its fields (for a sink that hands it out of line only
    /// on some paths: the caller's own record then need not be in memory).
    @inlinable @inline(__always)
    public func copy() -> RecordView {
        RecordView(
            line: line, lineNumber: lineNumber, offset: offset, logType: logType, layout: layout,
            isExchangeDefault: isExchangeDefault, timestamp: timestamp, bounds: bounds)
    }

    /// Field `index` (a column index from ``layout``); an absent column (-1) reads as empty.
    // Inlinable, with the field bounds: the tracker reads four fields of every row, and as
    // calls across the module boundary they cost 55 instructions each (docs/performance.md).
    @inlinable @inline(__always)
    public subscript(field index: Int) -> FieldView {
        guard index >= 0, index < bounds.count, index < FieldLayout.maximumFields else { return .empty }
        return bounds.field(index, in: line)
    }

    // Column i of the default layout, else the layout's index for it. `@_transparent`, not
    // `@inline(__always)`: with the two paths in their bodies, the optimizer left these getters
    // out of line at 17–34 places in the tracker, the scanner's loop among them (a call of some
    // 30 instructions per field read; 8.91 → 8.79 instructions a byte, docs/performance.md).
    @_transparent public var connectorID: FieldView {
        isExchangeDefault ? bounds.field(1, in: line) : self[field: layout.connectorID]
    }
    @_transparent public var sessionID: FieldView {
        isExchangeDefault ? bounds.field(2, in: line) : self[field: layout.sessionID]
    }
    @_transparent public var localEndpoint: FieldView {
        isExchangeDefault ? bounds.field(4, in: line) : self[field: layout.localEndpoint]
    }
    @_transparent public var remoteEndpoint: FieldView {
        isExchangeDefault ? bounds.field(5, in: line) : self[field: layout.remoteEndpoint]
    }
    @_transparent public var event: FieldView {
        isExchangeDefault ? bounds.field(6, in: line) : self[field: layout.event]
    }
    @_transparent public var data: FieldView {
        isExchangeDefault ? bounds.field(7, in: line) : self[field: layout.data]
    }
    @_transparent public var context: FieldView {
        isExchangeDefault ? bounds.field(8, in: line) : self[field: layout.context]
    }
}

/// Field boundaries of one line, as the C kernel found them (indexes from the line's first
/// byte).
///
/// - Warning: `ends` points into the scanner's batch of kernel results, which stays put for the
///   sink call, like the record's line (RecordScanner+Split.swift). A record used to carry a copy
///   of the sixteen bounds, and reading one by a run-time index copied all sixty-four bytes to
///   the stack twice per field.
@usableFromInline
struct FieldBounds {
    /// The kernel's `field_end` of this line: the index of the comma or LF that ends each of the
    /// first 16 fields.
    @usableFromInline let ends: UnsafePointer<Int32>
    /// Bit i (i < 32): field i contains a quote character.
    @usableFromInline var quoted: UInt32
    /// Fields found on the line (may exceed 16; only the first 16 have bounds).
    @usableFromInline var count: Int
    /// Where field 0 starts: 3 after a byte-order mark, else 0.
    @usableFromInline var firstStart: Int

    @inlinable
    init(_ raw: UnsafePointer<smtptls_line_fields>, firstStart: Int) {
        ends = smtptls_field_ends(raw)
        quoted = raw.pointee.quoted
        count = Int(raw.pointee.field_count)
        self.firstStart = firstStart
    }

    /// The index of the comma or LF that ends field `i` (`i` < 16).
    @inlinable @inline(__always)
    func end(_ i: Int) -> Int { Int(ends[i]) }

    /// Field `i` of `line` (`i` < min(count, 16)); the line's CR, if any, is already cut off,
    /// so the last field is clamped to the line.
    @inlinable @inline(__always)
    func field(_ i: Int, in line: UnsafeRawBufferPointer) -> FieldView {
        let e = min(end(i), line.count)
        var s = min(i == 0 ? firstStart : end(i &- 1) &+ 1, e)
        var stop = e
        let isQuoted = i < 32 && quoted & (1 << UInt32(i)) != 0
        if isQuoted, stop - s >= 2, line[s] == UInt8(ascii: "\""), line[stop - 1] == UInt8(ascii: "\"") {
            s += 1
            stop -= 1
        }
        return FieldView(bytes: UnsafeRawBufferPointer(rebasing: line[s..<stop]), isQuoted: isQuoted)
    }
}
