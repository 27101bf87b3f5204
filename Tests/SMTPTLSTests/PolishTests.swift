import ArgumentParser
import Foundation
import Reports
import Store
import Testing
import LogGenerator
import TestSupport

@testable import SMTPTLSCLI

/// What a person trips over: formulas in CSV, raw errors, the progress line, server labels,
/// query edge cases, wording.
@Suite("Polish: safe CSV, plain errors, progress width, server labels, query edge cases")
struct PolishTests {
    static func database(_ dir: TemporaryDirectory) throws -> String {
        var log = LogText()
        log.header()
        log.session("01", remote: "192.0.2.1:1", at: "2024-03-01T10:00:00.000Z", ehlo: "=HYPERLINK(\"http://evil.example\")",
                    tls: "SP_PROT_TLS1_0_SERVER")
        log.session("02", remote: "192.0.2.2:1", at: "2024-03-01T10:00:00.000Z", ehlo: "+cmd|' /C calc'!A0", tls: "SP_PROT_TLS1_0_SERVER")
        let db = dir.file("p.sqlite")
        _ = try ingest([try dir.write("RECV.LOG", log.bytes())], db: db, server: "EX01")
        return db
    }

    /// A generated corpus in `dir/logs` (seconds to ingest in a debug build).
    static func corpus(_ dir: TemporaryDirectory, hours: Int, sessionsPerHour: Int, fileSizeLimit: Int = 10 << 20) throws -> URL {
        let logs = dir.url.appendingPathComponent("logs")
        var config = GeneratorConfig()
        config.hours = hours
        config.sessionsPerHour = sessionsPerHour
        config.fileSizeLimit = fileSizeLimit
        _ = try CorpusGenerator.generate(config, into: logs)
        return logs
    }

    @Test("CSV cells that a spreadsheet would evaluate are neutralised; numbers stay numbers")
    func csvInjection() throws {
        let table = ResultTable(
            columns: ["a", "n"],
            rows: [
                [.text("=HYPERLINK(\"http://evil.example\")"), .integer(-1)], [.text("+1"), .integer(2)],
                [.text("-2+3"), .real(-0.5)], [.text("@SUM(A1)"), .null], [.text("\tx"), .integer(0)],
                [.text("\rx"), .integer(0)], [.text("mail.example"), .integer(0)],
            ])
        let lines = table.render(.csv).components(separatedBy: "\r\n")
        #expect(lines[1] == "\"'=HYPERLINK(\"\"http://evil.example\"\")\",-1")
        #expect(lines[2] == "'+1,2")
        #expect(lines[3] == "'-2+3,-0.5")
        #expect(lines[4] == "'@SUM(A1),")
        #expect(lines[5] == "'\tx,0")
        #expect(lines[6] == "\"'\rx\",0")
        #expect(lines[7] == "mail.example,0")
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let csv = try Binary.run(["legacy", "--db", try Self.database(dir), "--format", "csv"])
        #expect(csv.stdout.contains("'=HYPERLINK") && csv.stdout.contains("'+cmd"))
        #expect(!csv.stdout.contains(",=HYPERLINK") && !csv.stdout.contains("\"=HYPERLINK"))
    }

    @Test("errors are one plain sentence naming the thing and the cause")
    func plainErrors() throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let db = try Self.database(dir)
        func check(_ arguments: [String], status: Int32, says expected: String) throws {
            let r = try Binary.run(arguments)
            #expect(r.status == status, "\(arguments)")
            let lines = r.stderr.split(separator: "\n")
            #expect(lines.count == 1, "\(arguments): \(r.stderr)")
            #expect(r.stderr.contains(expected), "\(arguments): \(r.stderr)")
            for raw in ["NSCocoaErrorDomain", "Error Domain", "database error", "(in:", "UserInfo"] {
                #expect(!r.stderr.contains(raw), "\(arguments): \(r.stderr)")
            }
        }
        try check(["summary", "--db", db, "--day", "2024-03-01", "-o", dir.path + "/"], status: 1, says: "is a directory")
        try check(["summary", "--db", db, "--day", "2024-03-01", "-o", "/nonexistent/dir/x.html"], status: 1,
                  says: "directory /nonexistent/dir does not exist")
        let aFile = try dir.write("afile", "x")
        try check(["generate", "-o", aFile], status: 1, says: "is a file, not a directory")
        let text = try dir.write("notes.txt", "hello, this is not a database\n")
        try check(["legacy", "--db", text], status: 1, says: "\(text) is not an smtptls database")
        try check(["query", "--db", db, "SELECT 1; DROP TABLE meta"], status: 1, says: "one statement at a time")
        try check(["query", "--db", db, ""], status: 1, says: "the SQL is empty")
        try check(["help", "bogus"], status: 2, says: "there is no command 'bogus'")
        let missing = dir.file("never.sqlite")
        try check(["ingest", "--db", missing, dir.file("no-such-folder")], status: 1, says: "no such file or directory")
        #expect(!FileManager.default.fileExists(atPath: missing), "nothing created for a run that read nothing")
        #expect(!FileManager.default.fileExists(atPath: missing + ".ingest-lock"))
        #expect(try Binary.run(["query", "--db", db, "--timeout", "-1", "SELECT 1"]).status == 2)
        #expect(try Binary.run(["query", "--db", db, "--timeout", "0", "SELECT 1"]).status == 0, "0 means no limit")
        #expect(try Binary.run(["ingest", "-q", "-v", "--db", db, dir.path]).status == 2)
        // A corrupt compressed input names its path once.
        let bad = try dir.write("bad/RECV.LOG.zst", [0x28, 0xB5, 0x2F, 0xFD, 0x00, 0x01, 0x02])
        let r = try Binary.run(["ingest", "--db", db, "--server", "EX01", bad])
        #expect(r.status == 1)
        let errorLine = r.stderr.split(separator: "\n").first { $0.hasPrefix("error:") } ?? ""
        #expect(errorLine.components(separatedBy: "RECV.LOG.zst").count == 2, "\(errorLine)")
    }

    @Test("every command names itself, as ArgumentParser would from its type, instead of deriving it at each start")
    func commandNames() {
        // Deriving a name reflects on the type (String(describing:)), and the runtime's
        // conformance scan that costs was 13 M instructions of every start (docs/performance.md).
        func check(_ types: [any ParsableCommand.Type], _ expected: [String]) {
            let names = types.map { $0.configuration.commandName }
            #expect(names == expected.map { Optional($0) })
            for type in types {
                #expect(type.configuration.commandName == String(describing: type).lowercased(), "\(type)")
            }
        }
        check(
            SMTPTLSCommand.configuration.subcommands,
            ["ingest", "legacy", "impact", "readiness", "summary", "connectors", "query", "copy", "scan", "generate"])
        check(SMTPTLSCommand.Connectors.configuration.subcommands, ["import", "list"])
    }

    @Test("the progress line fits the terminal, whatever the file name", arguments: [80, 60, 40, 24])
    func progressWidth(columns: Int) {
        let line = ProgressDisplay.line(
            fraction: 0.42, done: 420_000_000, total: 1_000_000_000, rate: 95_000_000, eta: 6,
            name: "RECV2024030116-123-with-a-very-long-rotated-name.LOG", columns: columns)
        #expect(line.count <= columns - 1, "\(line)")
        #expect(line.contains("42%"))
    }

    @Test("on a real terminal (a pseudo-terminal of 40 and 80 columns) every redraw of the progress line fits", arguments: [40, 80])
    func progressOnTerminal(columns: Int) throws {
        guard FileManager.default.isExecutableFile(atPath: "/usr/bin/script") else {
            Issue.record("util-linux's script(1) is needed for a pseudo-terminal")
            return
        }
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let logs = try Self.corpus(dir, hours: 8, sessionsPerHour: 300, fileSizeLimit: 200_000)  // many files: many redraws
        let command = "stty cols \(columns); '\(Binary.path)' ingest --jobs 1 --db '\(dir.file("t.sqlite"))' '\(logs.path)'"
        let r = try Binary.launch("/usr/bin/script", ["-q", "-c", command, "/dev/null"])
        let redraws = r.stdout.components(separatedBy: "\r\u{1B}[K").filter { $0.contains(" MB/s ETA ") }
        #expect(!redraws.isEmpty, "the progress line was drawn")
        for line in redraws {
            let shown = line.split(separator: "\r").first.map(String.init) ?? line
            #expect(shown.count <= columns - 1, "\(shown.count) characters: \(shown)")
        }
    }

    @Test("a log outside a SERVER/ folder is warned about before it is read; server filters ignore case and hint")
    func serverLabels() throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        var log = LogText()
        log.header()
        log.session("01", remote: "192.0.2.1:1", at: "2024-03-01T10:00:00.000Z", ehlo: "a.example", tls: "SP_PROT_TLS1_0_SERVER")
        let file = try dir.write("RECV2024030110-1.LOG", log.bytes())
        let db = dir.file("s.sqlite")
        let r = try Binary.run(["ingest", "--db", db, file])
        #expect(r.stderr.hasPrefix("warning: \(file): no server name in the path"))
        #expect(r.stderr.contains("--server NAME"))
        let labelled = dir.file("l.sqlite")
        _ = try Binary.run(["ingest", "-q", "--db", labelled, "--server", "EX01", file])
        let lower = try Binary.run(["legacy", "--db", labelled, "--server", "ex01", "--format", "csv"])
        #expect(lower.stdout.contains("192.0.2.1"), "server names match whatever their case")
        let spaced = try Binary.run(["legacy", "--db", labelled, "--connector", "ex01\\default frontend ex01 ", "--format", "csv"])
        #expect(spaced.stderr.contains("stored names close to it: 'EX01\\Default Frontend EX01'"))
    }

    @Test("small things: file-name format, non-empty generate target, scan wording, plurals, sizes, narrow tables")
    func smallThings() throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let db = try Self.database(dir)
        let html = dir.file("s.html")
        #expect(try Binary.run(["summary", "--db", db, "--day", "2024-03-01", "-o", html]).status == 0)
        #expect(try String(contentsOfFile: html, encoding: .utf8).hasPrefix("<!DOCTYPE html>"), "format from the extension")
        let target = dir.url.appendingPathComponent("gen").path
        #expect(try Binary.run(["generate", "-o", target, "--hours", "1", "--sessions-per-hour", "1"]).status == 0)
        let again = try Binary.run(["generate", "-o", target, "--hours", "1", "--sessions-per-hour", "1"])
        #expect(again.status == 1 && again.stderr.contains("is not empty"))
        #expect(try Binary.run(["generate", "-o", target, "--hours", "1", "--sessions-per-hour", "1", "--force"]).status == 0)
        var log = LogText()
        log.header()
        log.session("01", remote: "192.0.2.1:1", at: "2024-03-01T10:00:00.000Z", ehlo: "a.example")
        let one = try dir.write("one/RECV.LOG", log.bytes())
        let scan = try Binary.run(["scan", "--server", "EX01", one])
        #expect(scan.stdout.hasPrefix("read 1 file: 1 log read"))
        #expect(!scan.stdout.contains("database") && !scan.stdout.contains("ingested") && !scan.stdout.contains("malformed_rows"))
        #expect(scan.stdout.contains("bytes of logs") || scan.stdout.contains("KB of logs"))
        #expect(!scan.stdout.contains("0.0 MB"))
        let help = try Binary.run(["ingest", "--help"])
        #expect(help.stdout.contains("default: all cores") && !help.stdout.contains("(default: 2)"))
        let narrow = try Binary.run(["legacy", "--db", db])
        #expect(!narrow.stdout.contains("sender_domains") && narrow.stderr.contains("--wide shows them"))
        let wide = try Binary.run(["legacy", "--db", db, "--wide"])
        #expect(wide.stdout.contains("sender_domains"))
    }

    @Test("a database this user cannot read is said to be unreadable, first and only, with owner and mode")
    func unreadableDatabase() throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let runner = try UnprivilegedRunner(in: dir)
        // Made after the runner handed the directory over: owned by root (mode 0600) when the suite
        // runs as root; otherwise made unreadable to its owner.
        let db = try Self.database(dir)
        if geteuid() != 0 { chmod(db, 0) }
        let r = try runner.run(["legacy", "--db", db])
        #expect(r.status == 1)
        #expect(r.stderr.split(separator: "\n").count == 1, "\(r.stderr)")
        #expect(r.stderr.hasPrefix("error: cannot read \(db): permission denied (owner uid "), "\(r.stderr)")
        #expect(!r.stderr.contains("snapshot") && !r.stderr.contains("database error"))
    }

    @Test("Ctrl-C during an ingest says how to finish, and the rerun does")
    func interrupted() throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let logs = try Self.corpus(dir, hours: 12, sessionsPerHour: 400)
        let db = dir.file("i.sqlite")
        let process = Process()
        process.executableURL = URL(fileURLWithPath: Binary.path)
        process.arguments = ["ingest", "-q", "--jobs", "1", "--db", db, logs.path]
        let err = Pipe()
        process.standardError = err
        process.standardOutput = FileHandle.nullDevice
        try process.run()
        // Once the database exists the handler is installed (a test runner may start children
        // with SIGINT ignored; the handler replaces that disposition).
        for _ in 0..<200 where !FileManager.default.fileExists(atPath: db) { usleep(10_000) }
        usleep(100_000)
        process.interrupt()
        let text = String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        #expect(process.terminationStatus == 130, "interrupted mid-run (the corpus takes seconds to ingest)")
        #expect(text.contains("interrupted — run the same command again to finish"))
        #expect(try Binary.run(["ingest", "-q", "--db", db, logs.path]).status == 0)
    }
}
