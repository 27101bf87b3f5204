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

/// An exported object's properties, looked up without regard to case.
struct PropertyBag {
    let values: [String: PowerShellValue]

    init(_ object: [String: PowerShellValue]) {
        var lower: [String: PowerShellValue] = [:]
        for (k, v) in object { lower[k.lowercased()] = v }
        values = lower
    }

    subscript(_ name: String) -> PowerShellValue? { values[name.lowercased()] }

    func has(_ name: String) -> Bool { values[name.lowercased()] != nil }

    func domainSecureLists(_ notes: inout [String], source: String) -> DomainSecureLists? {
        guard has("TLSReceiveDomainSecureList") || has("TLSSendDomainSecureList") else { return nil }
        var lists = DomainSecureLists()
        for (name, keyPath) in [("TLSReceiveDomainSecureList", \DomainSecureLists.receive), ("TLSSendDomainSecureList", \DomainSecureLists.send)] {
            guard let value = self[name] else { continue }
            if value.isTypeName {
                notes.append("\(source): \(name) could not be read (cut off as a type name; join it first or use ConvertTo-Json)")
            } else {
                lists[keyPath: keyPath] = value.items.map { $0.lowercased() }
            }
        }
        return lists
    }

    /// A receive connector (it has bindings or an auth mechanism) or a send connector (address
    /// spaces, smart hosts or source servers); nil for anything else.
    func connector() -> ConnectorConfig? {
        let direction: ConnectorDirection
        if has("Bindings") || has("AuthMechanism") || has("RemoteIPRanges") {
            direction = .receive
        } else if has("AddressSpaces") || has("SmartHosts") || has("SourceTransportServers") || has("TlsAuthLevel") {
            direction = .send
        } else {
            return nil
        }
        var unreadable: [String] = []
        func list(_ name: String) -> [String] {
            guard let v = self[name] else { return [] }
            if v.isTypeName { unreadable.append(name); return [] }
            return v.items
        }
        func text(_ name: String) -> String? {
            guard let v = self[name] else { return nil }
            if v.isTypeName { unreadable.append(name); return nil }
            return v.text
        }
        // Identity is `SERVER\Name` for receive connectors (a string, or an object whose Name is
        // the connector's): the server comes from `Server`, else from the identity.
        let identity = self["Identity"]?.text
        var name = text("Name") ?? identity ?? ""
        var server: String? = nil
        if direction == .receive {
            server = text("Server")
            if let identity, let slash = identity.firstIndex(of: "\\") {
                if server == nil { server = String(identity[..<slash]) }
                if self["Name"] == nil { name = String(identity[identity.index(after: slash)...]) }
            }
        }
        guard !name.isEmpty else { return nil }
        var c = ConnectorConfig(direction: direction, server: server, name: name)
        c.bindings = bindings()
        if self["Bindings"]?.isTypeName == true { unreadable.append("Bindings") }
        c.remoteIPRanges = list("RemoteIPRanges")
        if let v = self["AuthMechanism"] {
            if v.isTypeName {
                unreadable.append("AuthMechanism")
            } else if let m = AuthMechanism.parse(v) {
                c.authMechanisms = m
            } else {
                unreadable.append("AuthMechanism")
            }
        }
        c.requireTLS = self["RequireTLS"]?.bool ?? false
        c.domainSecure = self["DomainSecureEnabled"]?.bool ?? false
        if let level = text("TlsAuthLevel"), level != "0" { c.tlsAuthLevel = level }
        c.tlsCertificateName = certificateName()
        c.fqdn = text("Fqdn")
        c.addressSpaces = list("AddressSpaces")
        c.sourceServers = list("SourceTransportServers")
        c.unreadable = unreadable
        return c
    }

    /// `0.0.0.0:25 [::]:587` from strings, or from objects with `Address` and `Port`.
    func bindings() -> [String] {
        guard let value = self["Bindings"], !value.isTypeName else { return [] }
        func one(_ v: PowerShellValue) -> [String] {
            if case .object(let o) = v {
                let bag = PropertyBag(o)
                guard let address = bag["Address"]?.text else { return [] }
                let port = bag["Port"]?.text ?? ""
                return [address.contains(":") ? "[\(address)]:\(port)" : "\(address):\(port)"]
            }
            return v.items
        }
        if case .list(let items) = value { return items.flatMap(one) }
        return one(value)
    }

    /// `TlsCertificateName` as a string (`<I>issuer<S>subject`) or an object of issuer and subject.
    func certificateName() -> String? {
        guard let v = self["TlsCertificateName"] else { return nil }
        if case .object(let o) = v {
            let bag = PropertyBag(o)
            let issuer = bag["CertificateIssuer"]?.text, subject = bag["CertificateSubject"]?.text
            if issuer != nil || subject != nil { return "<I>\(issuer ?? "")<S>\(subject ?? "")" }
        }
        return v.text
    }
}
