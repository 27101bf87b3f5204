import Connectors
import Foundation
import Ingest
import LogScanner
@testable import Reports
import Store
import Testing
import TestSupport
import TLSSessions

/// Connector configuration in (PowerShell JSON and CSV in the shapes Windows PowerShell 5.1 and
/// PowerShell 7 write), consequences in `impact`, and `readiness` verdicts, on hand-written
/// exports and logs with known answers.
@Suite("Readiness: connector exports, consequences, verdicts")
struct ReadinessTests {
    /// Windows PowerShell 5.1: `ConvertTo-Json -Depth 4 > file` writes UTF-16LE with a BOM, one
    /// object when there is one, enums as numbers.
    static let receive51 = """
        {
            "AuthMechanism":  13,
            "Bindings":  [ "[::]:587", "0.0.0.0:587" ],
            "DomainSecureEnabled":  false,
            "Fqdn":  "EX01.contoso.com",
            "RemoteIPRanges":  "System.Collections.Generic.List`1[Microsoft.Exchange.Data.IPRange]",
            "RequireTLS":  false,
            "Server":  "EX01",
            "TransportRole":  1,
            "Name":  "Client Frontend EX01",
            "Identity":  "EX01\\\\Client Frontend EX01"
        }
        """

    static func utf16(_ text: String) -> Data {
        var data = Data([0xFF, 0xFE])
        data.append(text.data(using: .utf16LittleEndian)!)
        return data
    }

    /// PowerShell 7 with -EnumsAsStrings, run locally (not through remoting): nested objects
    /// instead of their string forms.
    static let receive7 = """
        [
          {
            "AuthMechanism": "Tls, Integrated, BasicAuth",
            "Bindings": [ { "Address": "::", "Port": 25, "AddressFamily": "InterNetworkV6" },
                          { "Address": "0.0.0.0", "Port": 25, "AddressFamily": "InterNetwork" } ],
            "DomainSecureEnabled": true,
            "Fqdn": { "Domain": "mail.contoso.com", "IncludeSubDomains": false },
            "RemoteIPRanges": [ { "LowerBound": "0.0.0.0", "UpperBound": "255.255.255.255", "Expression": "0.0.0.0-255.255.255.255" } ],
            "RequireTLS": false,
            "Server": { "Name": "EX02", "DistinguishedName": "CN=EX02,CN=Servers" },
            "TlsCertificateName": { "CertificateIssuer": "CN=Contoso CA", "CertificateSubject": "CN=mail.contoso.com" },
            "Identity": { "Name": "Default Frontend EX02", "Parent": "EX02" }
          },
          { "Name": "not a connector", "Enabled": true }
        ]
        """

    static let send = """
        [
          { "Name": "Outbound to Internet", "AddressSpaces": [ "SMTP:*;1" ], "RequireTLS": false, "TlsAuthLevel": null,
            "DomainSecureEnabled": false, "SourceTransportServers": [ "EX01", "EX02" ] },
          { "Name": "To Fabrikam", "AddressSpaces": [ "SMTP:fabrikam.com;1" ], "RequireTLS": false, "TlsAuthLevel": 2,
            "DomainSecureEnabled": false, "SourceTransportServers": "EX01 EX02" }
        ]
        """

    /// `Export-Csv` (5.1 adds the #TYPE line): multi-valued properties as one string, or cut off.
    static let receiveCSV = "#TYPE Microsoft.Exchange.Data.Directory.SystemConfiguration.ReceiveConnector\r\n"
        + "\"Identity\",\"Server\",\"Name\",\"AuthMechanism\",\"Bindings\",\"RemoteIPRanges\",\"RequireTLS\",\"DomainSecureEnabled\"\r\n"
        + "\"EX03\\Inbound, partners\",\"EX03\",\"Inbound, partners\",\"Tls\",\"0.0.0.0:2525 [::]:2525\",\"198.51.100.0/24,203.0.113.0/24\",\"True\",\"False\"\r\n"
        + "\"EX03\\Client Frontend EX03\",\"EX03\",\"Client Frontend EX03\",\"Tls, BasicAuth, BasicAuthRequireTLS\",\"System.Collections.Generic.List`1[System.Net.IPEndPoint]\",\"0.0.0.0-255.255.255.255\",\"False\",\"False\"\r\n"

    static let transport = #"{ "TLSReceiveDomainSecureList": [ "Fabrikam.com" ], "TLSSendDomainSecureList": "fabrikam.com woodgrove.example", "MaxSendSize": "10 MB" }"#

    @Test("PowerShell 5.1 JSON (UTF-16, one object, enums as numbers) is read, and what was cut off is named")
    func powerShell51() throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let path = dir.file("receive.json")
        try Self.utf16(Self.receive51).write(to: URL(fileURLWithPath: path))
        let export = try ConnectorExport.read(path: path)
        #expect(export.connectors.count == 1)
        let c = try #require(export.connectors.first)
        #expect(c.direction == .receive && c.server == "EX01" && c.name == "Client Frontend EX01")
        #expect(c.logName == "EX01\\Client Frontend EX01")
        #expect(c.authMechanisms == [.tls, .basicAuth, .basicAuthRequireTLS], "13 = Tls | BasicAuth | BasicAuthRequireTLS")
        #expect(c.bindings == ["[::]:587", "0.0.0.0:587"])
        #expect(c.remoteIPRanges.isEmpty && c.unreadable == ["RemoteIPRanges"])
        #expect(export.notes.count == 1 && export.notes[0].contains("RemoteIPRanges could not be read"))
    }

    @Test("PowerShell 7 JSON: enum names, nested objects for identity, server, bindings, FQDN and certificate")
    func powerShell7() throws {
        let export = try ConnectorExport.parse(Self.receive7, source: "r7.json")
        let c = try #require(export.connectors.first)
        #expect(export.connectors.count == 1)
        #expect(c.server == "EX02" && c.name == "Default Frontend EX02" && c.logName == "EX02\\Default Frontend EX02")
        #expect(c.authMechanisms == [.tls, .integrated, .basicAuth])
        #expect(c.bindings == ["[::]:25", "0.0.0.0:25"])
        #expect(c.remoteIPRanges == ["0.0.0.0-255.255.255.255"])
        #expect(c.fqdn == "mail.contoso.com" && c.domainSecure)
        #expect(c.tlsCertificateName == "<I>CN=Contoso CA<S>CN=mail.contoso.com")
        #expect(export.notes.contains { $0.contains("object 2 is not a receive connector") })
    }

    @Test("send connectors, CSV with #TYPE and multi-valued strings, and the transport configuration")
    func sendCSVAndTransport() throws {
        let send = try ConnectorExport.parse(Self.send, source: "send.json").connectors
        #expect(send.map(\.direction) == [.send, .send] && send.map(\.logName) == ["Outbound to Internet", "To Fabrikam"])
        #expect(send[0].tlsAuthLevel == nil && send[1].tlsAuthLevel == "2")
        #expect(send[1].sourceServers == ["EX01", "EX02"] && send[0].addressSpaces == ["SMTP:*;1"])
        let csv = try ConnectorExport.parse(Self.receiveCSV, source: "r.csv")
        #expect(csv.connectors.map(\.logName) == ["EX03\\Inbound, partners", "EX03\\Client Frontend EX03"])
        #expect(csv.connectors[0].requireTLS && !csv.connectors[1].requireTLS)
        #expect(csv.connectors[0].bindings == ["0.0.0.0:2525", "[::]:2525"])
        #expect(csv.connectors[0].remoteIPRanges == ["198.51.100.0/24", "203.0.113.0/24"])
        #expect(csv.connectors[1].authMechanisms == [.tls, .basicAuth, .basicAuthRequireTLS])
        #expect(csv.connectors[1].unreadable == ["Bindings"])
        let transport = try ConnectorExport.parse(Self.transport, source: "t.json")
        #expect(transport.domainSecure == DomainSecureLists(receive: ["fabrikam.com"], send: ["fabrikam.com", "woodgrove.example"]))
        #expect(throws: ConnectorExport.Problem.self) { try ConnectorExport.parse("{ not json", source: "x.json") }
        #expect(throws: ConnectorExport.Problem.self) { try ConnectorExport.parse("[]", source: "x.json") }
    }

    /// Connectors of EX01 with known settings: Client Frontend (BasicAuthRequireTLS), Inbound
    /// partners (RequireTLS), Default Frontend (domain security, fabrikam.com a partner).
    static let ex01 = """
        [
          { "Identity": "EX01\\\\Client Frontend EX01", "Server": "EX01", "Name": "Client Frontend EX01",
            "AuthMechanism": "Tls, BasicAuth, BasicAuthRequireTLS", "Bindings": ["0.0.0.0:587"], "RequireTLS": false },
          { "Identity": "EX01\\\\Inbound partners", "Server": "EX01", "Name": "Inbound partners",
            "AuthMechanism": 1, "Bindings": ["0.0.0.0:2525"], "RequireTLS": true },
          { "Identity": "EX01\\\\Default Frontend EX01", "Server": "EX01", "Name": "Default Frontend EX01",
            "AuthMechanism": 3, "Bindings": ["0.0.0.0:25"], "RequireTLS": false, "DomainSecureEnabled": true }
        ]
        """

    static func impactDatabase(_ dir: TemporaryDirectory) throws -> String {
        var log = LogText()
        log.header()
        let t = "2024-03-05T10:00:00.000Z", old = "SP_PROT_TLS1_0_SERVER", new = "SP_PROT_TLS1_2_SERVER"
        let client = "EX01\\Client Frontend EX01", partners = "EX01\\Inbound partners"
        log.session("01", remote: "192.0.2.10:1", at: t, ehlo: "pc10.contoso.com", tls: old, connector: client, user: "svc@contoso.com")
        log.session("02", remote: "192.0.2.11:1", at: t, ehlo: "pc11.contoso.com", tls: old, connector: client)
        log.session("03", remote: "192.0.2.12:1", at: t, ehlo: "mx.partner.example", tls: old, connector: partners)
        log.session("04", remote: "192.0.2.13:1", at: t, ehlo: "mx1.fabrikam.com", tls: old)
        log.session("05", remote: "192.0.2.14:1", at: t, ehlo: "mx.woodgrove.example", tls: old, certificate: "CN=mx.woodgrove.example")
        log.session("06", remote: "192.0.2.15:1", at: t, ehlo: "mx.tailspin.example", tls: old)
        log.session("07", remote: "192.0.2.16:1", at: t, ehlo: "old.example", tls: old, connector: "EX01\\Unconfigured")
        log.session("08", remote: "192.0.2.17:1", at: t, ehlo: "both.example", tls: old, connector: client)
        log.session("09", remote: "192.0.2.17:1", at: t, ehlo: "both.example", tls: new, connector: client)
        let db = dir.file("i.sqlite")
        _ = try ingest([try dir.write("RECV.LOG", log.bytes())], db: db, server: "EX01")
        return db
    }

    static func byIP(_ t: ResultTable, _ column: String) -> [String: String] {
        let ip = t.columns.firstIndex(of: "remote_ip")!, c = t.columns.firstIndex(of: column)!
        return Dictionary(uniqueKeysWithValues: t.rows.map { ($0[ip].text, $0[c].text) })
    }

    @Test("impact says who breaks, who falls back to plaintext and why, from the imported configuration")
    func consequences() throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let db = try Self.impactDatabase(dir)
        // Before any import: every legacy-only party is unknown, and says how to fix that.
        let before = try ImpactReport(floor: .tls12).run(database: db).table
        #expect(Set(Self.byIP(before, "consequence").filter { $0.key != "192.0.2.17" }.values) == ["unknown"])
        #expect(Self.byIP(before, "reason")["192.0.2.10"]?.contains("smtptls connectors import") == true)

        let store = try SQLiteStore(path: db)
        _ = try store.importConnectors(try ConnectorExport.parse(Self.ex01, source: "ex01.json"), source: "ex01.json", at: 1)
        _ = try store.importConnectors(try ConnectorExport.parse(Self.transport, source: "t.json"), source: "t.json", at: 1)
        let table = try ImpactReport(floor: .tls12).run(database: db).table
        let consequence = Self.byIP(table, "consequence"), reason = Self.byIP(table, "reason"), category = Self.byIP(table, "category")
        #expect(category["192.0.2.10"] == "legacy_only" && category["192.0.2.17"] == "upgrades")
        #expect(consequence == [
            "192.0.2.10": "breaks", "192.0.2.11": "falls_back_to_plaintext", "192.0.2.12": "breaks",
            "192.0.2.13": "breaks", "192.0.2.14": "breaks", "192.0.2.15": "falls_back_to_plaintext",
            "192.0.2.16": "unknown", "192.0.2.17": "unaffected",
        ])
        #expect(reason["192.0.2.10"]?.contains("BasicAuthRequireTLS") == true && reason["192.0.2.10"]?.contains("svc@contoso.com") == true)
        #expect(reason["192.0.2.12"] == "RequireTLS on the receive connector")
        #expect(reason["192.0.2.13"]?.contains("domain-secured partner") == true)
        #expect(reason["192.0.2.14"]?.contains("certificate") == true)
        #expect(reason["192.0.2.16"]?.contains("no imported configuration for receive connector EX01\\Unconfigured") == true)

        // The summary counts them per connector.
        let summary = try SummaryData.load(database: db, since: UTCDay("2024-03-05")!, until: UTCDay("2024-03-05")!)
        let client = try #require(summary.consequences.first { $0.connector == "EX01\\Client Frontend EX01" })
        #expect(client.breaks == 1 && client.fallsBackToPlaintext == 1 && client.unknown == 0)
        #expect(summary.consequences.first { $0.connector == "EX01\\Unconfigured" }?.unknown == 1)
    }

    @Test("send connectors: RequireTLS, TlsAuthLevel and domain security break; opportunistic TLS falls back")
    func sendConsequences() throws {
        var policy = ConnectorPolicy()
        policy.add(direction: "send", connector: "Opportunistic", requireTLS: false, tlsAuthLevel: nil, domainSecure: false, authMechanisms: [])
        policy.add(direction: "send", connector: "Validated", requireTLS: false, tlsAuthLevel: "DomainValidation", domainSecure: false, authMechanisms: [])
        policy.add(direction: "send", connector: "Required", requireTLS: true, tlsAuthLevel: nil, domainSecure: false, authMechanisms: [])
        func decide(_ connector: String) -> Consequence {
            policy.decide(.legacyOnly, party: Party(server: "EX01", logType: "send", connector: connector, remoteIP: "203.0.113.9"),
                          evidence: .init(), floor: .tls12, sessionsAtOrAbove: 0).0
        }
        #expect(decide("Opportunistic") == .fallsBackToPlaintext)
        #expect(decide("validated") == .breaks, "connector names compare without case, as Exchange's do")
        #expect(decide("Required") == .breaks)
        #expect(decide("Elsewhere") == .unknown)
    }

    @Test("a later import of a server replaces its connectors and keeps the old ones as history")
    func importHistory() throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let db = dir.file("h.sqlite")
        let store = try SQLiteStore(path: db)
        _ = try store.importConnectors(try ConnectorExport.parse(Self.ex01, source: "a"), source: "a", at: 1_000)
        _ = try store.importConnectors(try ConnectorExport.parse(Self.receiveCSV, source: "b"), source: "b", at: 2_000)
        let second = """
            [ { "Identity": "EX01\\\\Client Frontend EX01", "Server": "EX01", "Name": "Client Frontend EX01",
                "AuthMechanism": 1, "Bindings": ["0.0.0.0:587"], "RequireTLS": true } ]
            """
        let result = try store.importConnectors(try ConnectorExport.parse(second, source: "c"), source: "c", at: 3_000)
        #expect(result.replaced == ["EX01 (receive)"])
        let current = try ReadOnlyQuery(path: db).run("SELECT server, name, require_tls FROM connectors ORDER BY server, name").rows.map { $0.map(\.text) }
        #expect(current == [["EX01", "Client Frontend EX01", "1"], ["EX03", "Client Frontend EX03", "0"], ["EX03", "Inbound, partners", "1"]])
        let history = try ReadOnlyQuery(path: db).run("SELECT COUNT(*), SUM(current) FROM connector_history WHERE server = 'EX01'").rows[0].map(\.text)
        #expect(history == ["4", "1"], "three connectors of the first import kept as history, one current")
    }

    /// EX01 logs every hour of 2024-03-05 (TLS 1.2 on Default Frontend) and one TLS 1.0 session
    /// on Client Frontend on 2024-03-01; EX02 logs only hours 00–11 of 2024-03-05.
    static func readinessDatabase(_ dir: TemporaryDirectory) throws -> String {
        var ex01 = LogText()
        ex01.header()
        for h in 0..<24 {
            let hh = h < 10 ? "0\(h)" : "\(h)"
            ex01.session("A\(hh)", remote: "192.0.2.20:1", at: "2024-03-05T\(hh):10:00.000Z", ehlo: "a.example", tls: "SP_PROT_TLS1_2_SERVER")
        }
        ex01.session("B01", remote: "192.0.2.21:1", at: "2024-03-01T09:00:00.000Z", ehlo: "b.example", tls: "SP_PROT_TLS1_0_SERVER",
                     connector: "EX01\\Client Frontend EX01")
        var ex02 = LogText()
        ex02.header()
        for h in 0..<12 {
            let hh = h < 10 ? "0\(h)" : "\(h)"
            ex02.session("C\(hh)", remote: "192.0.2.30:1", at: "2024-03-05T\(hh):10:00.000Z", ehlo: "c.example", tls: "SP_PROT_TLS1_2_SERVER",
                         connector: "EX02\\Default Frontend EX02")
        }
        let db = dir.file("r.sqlite")
        _ = try ingest([try dir.write("EX01.LOG", ex01.bytes())], db: db, server: "EX01")
        _ = try ingest([try dir.write("EX02.LOG", ex02.bytes())], db: db, server: "EX02")
        return db
    }

    @Test("readiness: not_ready while legacy falls in the quiet days, ready with full coverage, unknown with gaps")
    func verdicts() throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let db = try Self.readinessDatabase(dir)
        let later = UTCDay("2024-04-01")!.startMillis
        func verdicts(_ quiet: Int) throws -> [String: ReadinessReport.Row] {
            let rows = try ReadinessReport(asOf: UTCDay("2024-03-05")!, quietDays: quiet, now: later).run(database: db)
            return Dictionary(uniqueKeysWithValues: rows.map { ($0.connector, $0) })
        }
        let one = try verdicts(1)
        #expect(one["EX01\\Default Frontend EX01"]?.verdict == .ready)
        let client = try #require(one["EX01\\Client Frontend EX01"])
        #expect(client.verdict == .ready && client.legacySessions30d == 1 && client.legacySessions7d == 1 && client.legacySessions1d == 0)
        #expect(client.daysSinceLegacy == 4 && client.legacyParties30d == 1)
        #expect(client.trend.count == 30 && client.trend[25] == 1 && client.trend.reduce(0, +) == 1)
        let ex02 = try #require(one["EX02\\Default Frontend EX02"])
        #expect(ex02.verdict == .unknown)
        #expect(ex02.reason == "logs missing for 12 hours between 2024-03-05T12:00Z and 2024-03-05T23:59Z")

        let week = try verdicts(7)
        #expect(week["EX01\\Client Frontend EX01"]?.verdict == .notReady)
        #expect(week["EX01\\Client Frontend EX01"]?.partiesToFix == ["192.0.2.21 (1)"])
        #expect(week["EX01\\Default Frontend EX01"]?.verdict == .unknown, "2024-02-28 to 03-04 have no logs")
        #expect(week["EX01\\Default Frontend EX01"]?.reason.hasPrefix("logs missing for 143 hours") == true, "6 days of hours, less 03-01 09:00 when B connected")

        // As the command line prints it: not_ready first, in CSV with every column.
        let r = try Binary.run(["readiness", "--db", db, "--as-of", "2024-03-05", "--quiet-days", "7", "--format", "csv"])
        #expect(r.status == 0)
        let lines = r.stdout.split(whereSeparator: \.isNewline)
        #expect(lines.first == Substring(ReadinessReport.columns.joined(separator: ",")))
        #expect(lines.count == 4 && lines[1].hasPrefix("EX01,receive,EX01\\Client Frontend EX01,not_ready,"))
        #expect(r.stderr.contains("not_ready 1, unknown 2, ready 0"))
        #expect(try Binary.run(["readiness", "--db", db, "--quiet-days", "0"]).status == 2)
    }

    @Test("connectors import from the command line: what was read, what was cut off, and bad files")
    func importCommand() throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let db = dir.file("c.sqlite")
        let json = try dir.write("receive.json", Array(Self.utf16(Self.receive51)))
        let csv = try dir.write("receive.csv", Array(Self.receiveCSV.utf8))
        let r = try Binary.run(["connectors", "import", "--db", db, json, csv])
        #expect(r.status == 0)
        #expect(r.stderr.contains("receive.json: 1 receive and 0 send connectors"))
        #expect(r.stderr.contains("RemoteIPRanges could not be read"))
        let list = try Binary.run(["connectors", "list", "--db", db, "--format", "csv"])
        #expect(list.stdout.contains("EX01,receive,Client Frontend EX01,0,,0,Tls BasicAuth BasicAuthRequireTLS"))
        let bad = try dir.write("bad.json", Array("{ \"Name\": ".utf8))
        let failed = try Binary.run(["connectors", "import", "--db", db, bad])
        #expect(failed.status == 1)
        #expect(failed.stderr.hasPrefix("error: ") && failed.stderr.contains("is not valid JSON"))
    }
}
