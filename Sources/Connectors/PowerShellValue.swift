import Foundation

/// One property value as PowerShell wrote it: `ConvertTo-Json` gives typed values, `Export-Csv`
/// gives text, and either may have flattened a collection to its type name.
public indirect enum PowerShellValue: Equatable, Sendable {
    case null
    case bool(Bool)
    case number(Double)
    case text(String)
    case list([PowerShellValue])
    case object([String: PowerShellValue])

    /// Where a value does not decode as anything JSON has (it always does).
    static func decodeAny(_ c: SingleValueDecodingContainer) throws -> PowerShellValue {
        if c.decodeNil() { return .null }
        if let b = try? c.decode(Bool.self) { return .bool(b) }
        if let n = try? c.decode(Double.self) { return .number(n) }
        if let s = try? c.decode(String.self) { return .text(s) }
        if let a = try? c.decode([PowerShellValue].self) { return .list(a) }
        return .object(try c.decode([String: PowerShellValue].self))
    }

    /// A collection that was cut off at `-Depth` or by `Export-Csv`: only its type name is left.
    public var isTypeName: Bool {
        guard case .text(let s) = self else { return false }
        return s.hasPrefix("System.Collections") || s.hasPrefix("Microsoft.Exchange.Data.MultiValuedProperty")
            || s.hasPrefix("Microsoft.Exchange.Data.Directory.ADMultiValuedProperty")
    }

    /// The value as one piece of text: an object by its readable property (`Name`, `Domain`,
    /// `Expression`, …), a number without a fraction, a list joined by spaces.
    public var text: String? {
        switch self {
        case .null: return nil
        case .bool(let b): return b ? "True" : "False"
        case .number(let n): return n == n.rounded() && abs(n) < 1e15 ? String(Int64(n)) : String(n)
        case .text(let s):
            let t = s.trimmingCharacters(in: .whitespaces)
            return t.isEmpty ? nil : t
        case .list(let items):
            let parts = items.compactMap(\.text)
            return parts.isEmpty ? nil : parts.joined(separator: " ")
        case .object(let o):
            for key in ["Name", "Domain", "Expression", "Value", "DisplayName", "Address"] {
                if let t = o[key]?.text { return t }
            }
            return nil
        }
    }

    /// The value as several: a JSON array, or one string separated by commas, semicolons or
    /// white space (how `Export-Csv` and older exports write multi-valued properties).
    public var items: [String] {
        switch self {
        case .list(let values): return values.flatMap(\.items)
        case .text(let s):
            return s.split(whereSeparator: { $0 == "," || $0 == " " || $0 == "\t" || $0.isNewline })
                .map(String.init).filter { !$0.isEmpty }
        case .null: return []
        default: return text.map { [$0] } ?? []
        }
    }

    /// `true`/`false`, `True`/`False`, `$true`, `1`/`0`; nil when it is none of them.
    public var bool: Bool? {
        switch self {
        case .bool(let b): return b
        case .number(let n): return n != 0
        case .text(let s):
            switch s.trimmingCharacters(in: .whitespaces).lowercased() {
            case "true", "$true", "1", "yes": return true
            case "false", "$false", "0", "no", "": return false
            default: return nil
            }
        case .null: return false
        default: return nil
        }
    }
}

extension PowerShellValue: Decodable {
    public init(from decoder: Decoder) throws {
        self = try Self.decodeAny(try decoder.singleValueContainer())
    }
}
