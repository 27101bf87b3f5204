// Reading one exported object: a receive connector, a send connector or the transport
// configuration's domain-secure lists, out of the properties PowerShell wrote.

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
