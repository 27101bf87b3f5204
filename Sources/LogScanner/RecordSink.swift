/// Receives what the scanner finds, in input order.
///
/// - Warning: ``RecordView`` and its fields point into the scanner's buffer and are valid only
///   during the call.
public protocol RecordSink {
    /// The input's content identity is known: FNV-1a 64 over every line up to and including the
    /// first record (terminators excluded). Called once, just before the first ``record(_:)``.
    mutating func identified(fingerprint: UInt64)
    /// A well-formed record.
    mutating func record(_ record: borrowing RecordView)
    /// A rejected line.
    mutating func malformed(_ row: MalformedRow)
    /// A header line changed the log type or the column layout.
    mutating func headerChanged(_ header: LogHeader)
    /// The stream ended (``RecordScanner/finish(into:)``): nothing more comes.
    mutating func ended()
}

extension RecordSink {
    public mutating func identified(fingerprint: UInt64) {}
    public mutating func headerChanged(_ header: LogHeader) {}
    public mutating func ended() {}
}
