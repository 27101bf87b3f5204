import Foundation
import LogGenerator
import Testing
import TestSupport

@Suite("The smtptls command line, run as a user would")
struct CLITests {
    static func corpus(_ dir: TemporaryDirectory) throws -> String {
        let logs = dir.url.appendingPathComponent("logs")
        _ = try CorpusGenerator.generate(GeneratorConfig(), into: logs)
        return logs.path
    }

    @Test("ingest prints its summary on stderr, keeps stdout clean, and honours SMTPTLS_DB")
    func ingestSummary() throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let logs = try Self.corpus(dir)
        let db = dir.file("env.sqlite")
        let r = try Binary.run(["ingest", logs], environment: ["SMTPTLS_DB": db])
        #expect(r.status == 0)
        #expect(r.stdout.isEmpty)
        #expect(r.stderr.contains("TLS sessions by protocol: SSL3"))
        #expect(r.stderr.contains("malformed rows: 12"))
        #expect(r.stderr.contains(".LOG:"), "malformed rows are reported with file and line")
        #expect(FileManager.default.fileExists(atPath: db))
    }

    @Test("query formats: CSV is RFC 4180 with a header, JSON an array of objects")
    func queryFormats() throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let db = dir.file("t.sqlite")
        #expect(try Binary.run(["ingest", "-q", "--db", db, try Self.corpus(dir)]).status == 0)
        let sql = "SELECT connector, SUM(sessions) AS n FROM senders WHERE connector LIKE '%,%' GROUP BY 1 ORDER BY 1"
        let csv = try Binary.run(["query", "--db", db, "--format", "csv", sql])
        #expect(csv.status == 0)
        let lines = csv.stdout.components(separatedBy: "\r\n")
        #expect(lines[0] == "connector,n")
        #expect(lines[1].hasPrefix("\"EX01\\Inbound, partners\","))
        let json = try Binary.run(["query", "--db", db, "--format", "json", sql])
        let parsed = try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as! [[String: Any]]
        #expect(parsed.count == 2)
        #expect(parsed[0]["connector"] as? String == "EX01\\Inbound, partners")
        #expect(parsed[0]["n"] is NSNumber)
    }

    @Test("a writing query fails with a clear error and exit status 1")
    func writingQueryFails() throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let db = dir.file("t.sqlite")
        _ = try Binary.run(["ingest", "-q", "--db", db, try Self.corpus(dir)])
        let r = try Binary.run(["query", "--db", db, "DELETE FROM ingested_inputs"])
        #expect(r.status == 1)
        #expect(r.stderr.contains("read-only"))
        let count = try Binary.run(["query", "--db", db, "--format", "csv", "SELECT count(*) AS n FROM ingested_inputs"])
        #expect(count.stdout.components(separatedBy: "\r\n")[1] == "8")
    }

    @Test("legacy lists legacy senders, filters by direction, and rejects bad options with status 2")
    func legacy() throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let db = dir.file("t.sqlite")
        _ = try Binary.run(["ingest", "-q", "--db", db, try Self.corpus(dir)])
        let all = try Binary.run(["legacy", "--db", db, "--format", "csv"])
        #expect(all.status == 0)
        let rows = all.stdout.components(separatedBy: "\r\n").dropFirst().filter { !$0.isEmpty }
        #expect(rows.count > 3)
        #expect(rows.allSatisfy { $0.contains("SSL3") || $0.contains("TLS1.0") || $0.contains("TLS1.1") })
        let send = try Binary.run(["legacy", "--db", db, "--format", "csv", "--direction", "send"])
        #expect(send.stdout.components(separatedBy: "\r\n").dropFirst().filter { !$0.isEmpty }.allSatisfy { $0.contains(",send,") })
        #expect(try Binary.run(["legacy", "--db", db, "--direction", "sideways"]).status == 2)
        #expect(try Binary.run(["ingest"]).status == 2)
    }

    @Test("a missing input is an error (status 1), the others are still ingested")
    func missingInput() throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let r = try Binary.run(["ingest", "--db", dir.file("t.sqlite"), try Self.corpus(dir), dir.file("nope")])
        #expect(r.status == 1)
        #expect(r.stderr.contains("nope: no such file or directory"))
        #expect(r.stderr.contains("8 logs ingested"))
        #expect(r.stderr.contains("truth.json: not an Exchange log"), "non-log files in a directory get a note")
    }

    @Test("scan prints per-protocol counts without a database (its batches carry no rollups), the counts ingest prints")
    func scan() throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let logs = dir.url.appendingPathComponent("logs")
        let truth = try CorpusGenerator.generate(GeneratorConfig(), into: logs)
        let r = try Binary.run(["scan", logs.path], cwd: dir.path)
        #expect(r.status == 0)
        let expected = truth.protocolCounts.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: ", ")
        #expect(r.stdout.contains("TLS sessions by protocol: \(expected)"))
        #expect(!FileManager.default.fileExists(atPath: dir.file("smtptls.sqlite")))
        let ingested = try Binary.run(["ingest", "--finalize-open", "--db", dir.file("t.sqlite"), logs.path], cwd: dir.path)
        func counts(_ text: String) -> [Substring] {
            text.split(separator: "\n").filter { $0.hasPrefix("sessions finished:") || $0.hasPrefix("TLS sessions by protocol:") }
        }
        #expect(counts(r.stdout).count == 2)
        #expect(counts(r.stdout) == counts(ingested.stderr))
    }
}

extension CLITests {
    @Test("an input's header decides whether it is an SMTP protocol log: a BOM and CRLF are fine; another log type, at the start or in a later header block of the first 4 KB, is a note and skipped")
    func headerSniffing() throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let logs = dir.url.appendingPathComponent("logs")
        try FileManager.default.createDirectory(at: logs, withIntermediateDirectories: true)
        let fields = "#Fields: date-time,connector-id,session-id,sequence-number,local-endpoint,remote-endpoint,event,data,context\r\n"
        let header = "#Software: Microsoft Exchange Server\r\n#Version: 15.2.1118.7\r\n#Log-type: SMTP Receive Protocol Log\r\n#Date: 2024-03-01T00:00:00.000Z\r\n" + fields
        let rows = "2024-03-01T00:00:01.000Z,EX01\\Default EX01,08DC3A0000000001,0,10.0.0.5:25,192.0.2.7:41000,+,,\r\n"
            + "2024-03-01T00:00:02.000Z,EX01\\Default EX01,08DC3A0000000001,1,10.0.0.5:25,192.0.2.7:41000,-,,Local\r\n"
        try Data([0xEF, 0xBB, 0xBF] + Array((header + rows).utf8)).write(to: logs.appendingPathComponent("RECV2024030100-1.LOG"))
        let tracking = "#Software: Microsoft Exchange Server\r\n#Version: 15.2.1118.7\r\n#Log-type: Message Tracking Log\r\n#Fields: date-time,client-ip\r\n"
        try Data(tracking.utf8).write(to: logs.appendingPathComponent("MSGTRK2024030100-1.LOG"))
        // A second header block (a restarted service appends one) naming another log type.
        try Data((header + rows + "#Log-type: Message Tracking Log\r\n").utf8).write(to: logs.appendingPathComponent("MIXED2024030100-1.LOG"))
        let r = try Binary.run(["scan", logs.path], cwd: dir.path)
        let output = r.stdout + r.stderr
        #expect(r.status == 0)
        #expect(output.contains("MSGTRK2024030100-1.LOG: not an SMTP protocol log (#Log-type: Message Tracking Log); skipped"))
        #expect(output.contains("MIXED2024030100-1.LOG: not an SMTP protocol log (#Log-type: Message Tracking Log); skipped"))
        #expect(!output.contains("RECV2024030100-1.LOG"), "the receive log is read without a note")
        #expect(output.contains("1 log read, 0 unchanged, 2 skipped"))
        #expect(output.contains("sessions finished: 1 ("), "its one session is counted")
    }
}
