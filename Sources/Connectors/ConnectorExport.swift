import Foundation
import SwiftCSV

/// What one exported file holds: receive and send connectors, the transport configuration's
/// domain-secure lists, and notes about what could not be read.
public struct ConnectorExport: Sendable, Equatable {
    public var connectors: [ConnectorConfig] = []
    public var domainSecure: DomainSecureLists?
    /// One sentence per thing left out or only partly read.
    public var notes: [String] = []

    public init() {}

    /// Why a file could not be read at all.
    public struct Problem: Error, CustomStringConvertible {
        public let description: String
    }

    /// Reads a file `ConvertTo-Json` or `Export-Csv` wrote (UTF-8 or UTF-16 as PowerShell 5.1
    /// writes with `>`; one object or an array; any mix of receive connectors, send connectors
    /// and transport configuration).
    public static func read(path: String) throws -> ConnectorExport {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw Problem(description: "cannot read \(path)")
        }
        guard let text = decode(data) else { throw Problem(description: "\(path) is not text (UTF-8 or UTF-16)") }
        return try parse(text, source: path)
    }

    static func decode(_ data: Data) -> String? {
        let bytes = [UInt8](data.prefix(3))
        if bytes.starts(with: [0xFF, 0xFE]) { return String(data: data.dropFirst(2), encoding: .utf16LittleEndian) }
        if bytes.starts(with: [0xFE, 0xFF]) { return String(data: data.dropFirst(2), encoding: .utf16BigEndian) }
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { return String(data: data.dropFirst(3), encoding: .utf8) }
        return String(data: data, encoding: .utf8)
    }

    /// Parses exported text; `source` names it in notes and errors.
    public static func parse(_ text: String, source: String) throws -> ConnectorExport {
        let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
        var objects: [[String: PowerShellValue]]
        if trimmed.hasPrefix("{") || trimmed.hasPrefix("[") {
            let value: PowerShellValue
            do {
                value = try JSONDecoder().decode(PowerShellValue.self, from: Data(trimmed.utf8))
            } catch {
                throw Problem(description: "\(source) is not valid JSON (export it with ConvertTo-Json -Depth 4)")
            }
            switch value {
            case .object(let o): objects = [o]
            case .list(let items): objects = items.compactMap { if case .object(let o) = $0 { return o } else { return nil } }
            default: objects = []
            }
        } else {
            // Windows PowerShell 5.1's Export-Csv starts with `#TYPE <class>` unless -NoTypeInformation.
            var lines = trimmed[...]
            if lines.hasPrefix("#TYPE") { lines = lines.drop { !$0.isNewline }.drop { $0.isNewline } }
            do {
                objects = try CSV<Named>(string: String(lines), delimiter: .comma, loadColumns: false).rows
                    .map { $0.mapValues { PowerShellValue.text($0) } }
            } catch {
                throw Problem(description: "\(source) is neither JSON nor CSV that can be read (a quote left open?)")
            }
        }
        guard !objects.isEmpty else {
            throw Problem(description: "\(source) holds no objects (expected Get-ReceiveConnector, Get-SendConnector or Get-TransportConfig output)")
        }
        var export = ConnectorExport()
        for (i, object) in objects.enumerated() {
            let properties = PropertyBag(object)
            if let lists = properties.domainSecureLists(&export.notes, source: source) {
                export.domainSecure = lists
            } else if let connector = properties.connector() {
                for name in connector.unreadable {
                    export.notes.append("\(source): \(connector.logName): \(name) could not be read (cut off as a type name; export with ConvertTo-Json -Depth 4)")
                }
                export.connectors.append(connector)
            } else {
                export.notes.append("\(source): object \(i + 1) is not a receive connector, send connector or transport configuration; left out")
            }
        }
        return export
    }
}
