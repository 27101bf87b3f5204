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

    @Test("scan prints per-protocol counts without a database")
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
    }
}
