import Foundation
import Ingest
import LogGenerator
import Store
import Testing
import TestSupport
import ZIPFoundation

@Suite("Archives: tar, tar.zst, tar.gz, zip, and members already seen elsewhere")
struct ArchiveTests {
    static func shell(_ command: String, in dir: String) throws {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/bin/sh")
        p.arguments = ["-c", command]
        p.currentDirectoryURL = URL(fileURLWithPath: dir)
        try p.run()
        p.waitUntilExit()
        #expect(p.terminationStatus == 0, "\(command)")
    }

    static func corpus(_ dir: TemporaryDirectory) throws -> (GroundTruth, String) {
        var config = GeneratorConfig()
        config.seed = 31
        let logs = dir.url.appendingPathComponent("logs")
        return (try CorpusGenerator.generate(config, into: logs), logs.path)
    }

    static func views(_ db: String) throws -> [String: Int64] {
        try TruthViews.fromDatabase(db, TruthViews.negotiationsSQL)
            .merging(TruthViews.fromDatabase(db, TruthViews.plaintextSQL)) { $0 + $1 }
    }

    @Test("every archive format gives the same views as the plain files", arguments: ["tar", "tar.zst", "tar.gz", "tgz", "zip", "tar-of-zst"])
    func formats(_ format: String) throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let (truth, logs) = try Self.corpus(dir)
        let archive = dir.file("EX.\(format == "tar-of-zst" ? "tar" : format)")
        switch format {
        case "tar": try Self.shell("tar -cf '\(archive)' EX01 EX10", in: logs)
        case "tar.zst": try Self.shell("tar -cf - EX01 EX10 | zstd -q -o '\(archive)'", in: logs)
        case "tar.gz", "tgz": try Self.shell("tar -czf '\(archive)' EX01 EX10", in: logs)
        case "zip":
            let zip = try Archive(url: URL(fileURLWithPath: archive), accessMode: .create)
            for file in truth.files {
                try zip.addEntry(with: file, relativeTo: URL(fileURLWithPath: logs), compressionMethod: .deflate)
            }
        default:
            try Self.shell("find EX01 EX10 -name '*.LOG' -exec zstd -q --rm {} \\; && tar -cf '\(archive)' EX01 EX10", in: logs)
        }
        let plainDB = dir.file("plain.sqlite"), archiveDB = dir.file("archive.sqlite")
        let plainLogs = dir.url.appendingPathComponent("plain").path
        if format == "tar-of-zst" {
            // The plain copy was compressed in place: regenerate it for the comparison.
            var config = GeneratorConfig()
            config.seed = 31
            _ = try CorpusGenerator.generate(config, into: URL(fileURLWithPath: plainLogs))
        }
        _ = try ingest([format == "tar-of-zst" ? plainLogs : logs], db: plainDB, server: "EX")
        let summary = try ingest([archive], db: archiveDB, server: "EX")
        #expect(summary.errors.isEmpty, "\(summary.errors)")
        #expect(summary.inputsIngested == truth.files.count)
        #expect(summary.malformedRows == truth.malformedRows)
        #expect(try Self.views(archiveDB) == Self.views(plainDB))
        let members = try ReadOnlyQuery(path: archiveDB).run("SELECT DISTINCT member FROM ingested_inputs WHERE member <> ''").rows
        #expect(members.count == truth.files.count, "the ledger records archive + member")
    }

    @Test("a member already ingested as a plain file is not counted again, and vice versa")
    func identityAcrossArchivesAndFiles() throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let (_, logs) = try Self.corpus(dir)
        let archive = dir.file("all.tar.gz")
        try Self.shell("tar -czf '\(archive)' EX01 EX10", in: logs)
        let db = dir.file("t.sqlite")
        _ = try ingest([logs], db: db, server: "EX")
        let before = try Self.views(db)
        let again = try ingest([archive], db: db, server: "EX")
        #expect(again.inputsIngested == 0)
        #expect(try Self.views(db) == before)
        let other = dir.file("u.sqlite")
        _ = try ingest([archive], db: other, server: "EX")
        _ = try ingest([logs, archive], db: other, server: "EX")
        #expect(try Self.views(other) == before)
    }

    @Test("archives are told by their first bytes (compressed ones decompressed that far), so a PostgreSQL ingest claims every server for them; a log, compressed or not, and an input labelled with --server are not")
    func archivesToldByFirstBytes() throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let (truth, logs) = try Self.corpus(dir)
        let log = logs + "/" + truth.files[0]
        try Self.shell("cp '\(log)' log.bin && zstd -q log.bin -o log.zst && gzip -k log.bin && mv log.bin.gz log.gzfile", in: dir.path)
        try Self.shell("tar -cf t.bin -C '\(logs)' EX01 && zstd -q t.bin -o tz.bin && gzip -c t.bin > tg.bin", in: dir.path)
        let zip = try Archive(url: dir.url.appendingPathComponent("z.bin"), accessMode: .create)
        try zip.addEntry(with: truth.files[0], relativeTo: URL(fileURLWithPath: logs), compressionMethod: .deflate)
        func input(_ name: String, explicit: Bool = false) -> InputFile {
            InputFile(path: dir.file(name), size: 0, modificationTime: 0, server: "", serverIsExplicit: explicit)
        }
        for name in ["log.bin", "log.zst", "log.gzfile", "missing"] {
            #expect(!InputScanner.mayHoldOtherServers(input(name)), "\(name)")
        }
        for name in ["t.bin", "tz.bin", "tg.bin", "z.bin"] {
            #expect(InputScanner.mayHoldOtherServers(input(name)), "\(name)")
            #expect(!InputScanner.mayHoldOtherServers(input(name, explicit: true)), "\(name) with --server")
        }
    }

    @Test("a truncated tar keeps its complete members and fails the cut one; the run reports the archive and member")
    func truncatedTar() throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let (truth, logs) = try Self.corpus(dir)
        let archive = dir.file("cut.tar")
        try Self.shell("tar -cf '\(archive)' EX01 EX10", in: logs)
        let bytes = try Data(contentsOf: URL(fileURLWithPath: archive))
        try bytes.prefix(bytes.count * 2 / 3).write(to: URL(fileURLWithPath: archive))
        let db = dir.file("t.sqlite")
        let summary = try ingest([archive], db: db, server: "EX")
        #expect(summary.errors.count == 1)
        #expect(summary.errors.first?.message.contains("truncated") == true)
        #expect(summary.errors.first?.path.contains("cut.tar:") == true, "names archive and member")
        #expect(summary.inputsIngested > 0 && summary.inputsIngested < truth.files.count)
    }

    @Test("files that are not logs, empty files and header-only files are skipped with a note; a decompression bomb stays in bounded memory")
    func oddInputs() throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let odd = dir.url.appendingPathComponent("odd")
        try TemporaryDirectory.writeFile(odd.appendingPathComponent("empty.LOG"), [])
        var header = LogText()
        header.header()
        try TemporaryDirectory.writeFile(odd.appendingPathComponent("headers.LOG"), header.bytes())
        try TemporaryDirectory.writeFile(odd.appendingPathComponent("notes.txt"), Array("hello".utf8))
        var tracking = LogText()
        tracking.header("Message Tracking Log")
        tracking.row(at: "2024-03-01T10:00:00.000Z", "RECEIVE")
        try TemporaryDirectory.writeFile(odd.appendingPathComponent("MSGTRK2024030110-1.LOG"), tracking.bytes())
        // 2 GB of zeros compress to a few kilobytes.
        try Self.shell("head -c 2000000000 /dev/zero | zstd -q -o bomb.LOG.zst", in: odd.path)
        let db = dir.file("t.sqlite")
        let summary = try ingest([odd.path], db: db)
        #expect(summary.errors.isEmpty)
        #expect(summary.notes.count == 5, "\(summary.notes)")
        #expect(summary.notes.contains { $0.path.hasSuffix("empty.LOG") && $0.message.contains("empty") })
        #expect(summary.notes.contains { $0.path.hasSuffix("headers.LOG") && $0.message.contains("no records") })
        #expect(summary.notes.contains { $0.message.contains("Message Tracking Log") })
        #expect(summary.notes.contains { $0.path.hasSuffix("bomb.LOG.zst") })
    }

    @Test("archives and plain files of several servers: parallel ingestion equals serial, sessions across members included")
    func parallelArchives() throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        var config = GeneratorConfig()
        config.seed = 8
        config.hours = 4
        config.fileSizeLimit = 40 << 10
        config.modernServers = ["EX01", "EX02"]
        let logs = dir.url.appendingPathComponent("fleet")
        _ = try CorpusGenerator.generate(config, into: logs)
        try Self.shell("tar -czf EX01.tgz EX01 && rm -rf EX01 && tar -cf - EX02 | zstd -q -o EX02.tar.zst && rm -rf EX02", in: logs.path)
        let serial = dir.file("s.sqlite"), parallel = dir.file("p.sqlite")
        _ = try ingest([logs.path], db: serial, jobs: 1)
        _ = try ingest([logs.path], db: parallel, jobs: 3)
        for sql in [RollupDump.sessions, RollupDump.identities,
                    "SELECT fingerprint, path, member, consumed_bytes FROM ingested_inputs ORDER BY 1"] {
            let a = try ReadOnlyQuery(path: serial).run(sql).rows
            #expect(!a.isEmpty)
            #expect(a == (try ReadOnlyQuery(path: parallel).run(sql).rows), "\(sql)")
        }
        let servers = try ReadOnlyQuery(path: serial).run("SELECT DISTINCT server FROM hourly_coverage ORDER BY 1").rows
        #expect(servers == [[.text("EX01")], [.text("EX02")], [.text("EX10")]], "labels from member paths")
    }

    @Test("a symlink loop and a broken link are reported, never followed forever")
    func symlinks() throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let root = dir.url.appendingPathComponent("tree")
        try FileManager.default.createDirectory(at: root.appendingPathComponent("a"), withIntermediateDirectories: true)
        try FileManager.default.createSymbolicLink(atPath: root.appendingPathComponent("a/loop").path, withDestinationPath: root.path)
        try FileManager.default.createSymbolicLink(atPath: root.appendingPathComponent("broken.LOG").path, withDestinationPath: "/nonexistent/x.LOG")
        var log = LogText()
        log.header()
        log.row(at: "2024-03-01T10:00:00.000Z", session: "01", "+")
        log.row(at: "2024-03-01T10:00:01.000Z", session: "01", "-")
        try TemporaryDirectory.writeFile(root.appendingPathComponent("a/RECV2024030110-1.LOG"), log.bytes())
        let summary = try ingest([root.path], db: dir.file("t.sqlite"), server: "S")
        #expect(summary.inputsIngested == 1)
        #expect(summary.errors.count == 1 && summary.errors[0].path.hasSuffix("broken.LOG"))
        #expect(summary.notes.contains { $0.path.hasSuffix("a/loop") && $0.message.contains("not followed") })
    }
}
