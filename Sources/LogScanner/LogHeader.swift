/// The header state in force at a point in a file: the last value of each `#` line seen.
///
/// A header block normally opens a file but may appear again mid-file (after a service restart);
/// each `#` line updates the state from then on.
public struct LogHeader: Sendable, Equatable {
    /// What the `#Log-type:` line said.
    public enum Kind: Sendable, Equatable {
        case protocolLog(LogType)
        /// Another Exchange log (message tracking, connectivity, ...): its records are not ours.
        case other(String)
    }

    public var software: String?
    public var version: String?
    public var kind: Kind?
    public var date: String?
    public var layout: FieldLayout?
    /// Set when a `#Fields:` line could not be used; its records are reported as malformed.
    public var layoutProblem: String?

    public init() {}

    /// The `#Fields:` line of ``FieldLayout/exchangeDefault``, as Exchange writes it.
    static let exchangeFieldsLine = Array(
        "#Fields: date-time,connector-id,session-id,sequence-number,local-endpoint,remote-endpoint,event,data,context".utf8)

    /// The log type, when the header names an SMTP protocol log.
    public var logType: LogType? {
        if case .protocolLog(let type) = kind { return type }
        return nil
    }

    /// Applies one header line (without the line terminator; leading `#` included).
    /// Returns `true` when the line changed the column layout or log type.
    @discardableResult
    public mutating func apply(line: UnsafeRawBufferPointer) -> Bool {
        // Nearly every input's `#Fields:` line is Exchange's own, byte for byte: taken without
        // parsing it as text (33,000 instructions a line, a sizeable part of a small hourly
        // file's cost; docs/performance.md).
        if line.count == Self.exchangeFieldsLine.count && line.elementsEqual(Self.exchangeFieldsLine) {
            layout = .exchangeDefault
            layoutProblem = nil
            return true
        }
        let text = String(decoding: line, as: UTF8.self)
        guard let colon = text.firstIndex(of: ":") else { return false }
        let name = text[text.index(after: text.startIndex)..<colon].lowercased()
        let value = String(text[text.index(after: colon)...]).trimmingSpaces
        switch name {
        case "software": software = value
        case "version": version = value
        case "date": date = value
        case "log-type":
            let lower = value.lowercased()
            if lower.contains("smtp") && lower.contains("receive") {
                kind = .protocolLog(.receive)
            } else if lower.contains("smtp") && lower.contains("send") {
                kind = .protocolLog(.send)
            } else {
                kind = .other(value)
            }
            return true
        case "fields":
            let names = value.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
            if let parsed = FieldLayout(names: names) {
                layout = parsed
                layoutProblem = nil
            } else {
                layout = nil
                layoutProblem = "unusable #Fields header (\(names.count) columns: \(value.prefix(120)))"
            }
            return true
        default: break
        }
        return false
    }
}
