import Benchmark
import ByteInput
import Foundation
import Ingest
import LogGenerator
import LogScanner
import Rollups
import Store
import TLSSessions

// One corpus for all benchmarks: 4 hours of two servers' logs (~10 MB), generated in a
// temporary directory, plus the same bytes concatenated in memory.
let root = FileManager.default.temporaryDirectory.appendingPathComponent("smtptls-bench-\(getpid())")
var config = GeneratorConfig()
config.seed = 99
config.hours = 4
config.sessionsPerHour = 300
let truth = try CorpusGenerator.generate(config, into: root.appendingPathComponent("logs"))
var corpus: [UInt8] = []
for file in truth.files { corpus += try [UInt8](Data(contentsOf: root.appendingPathComponent("logs").appendingPathComponent(file))) }
let megabytes = Double(corpus.count) / 1e6
defer { try? FileManager.default.removeItem(at: root) }

/// Counts records, nothing else: the scanner alone.
struct CountingSink: RecordSink {
    var records = 0
    var malformed = 0
    mutating func record(_ record: borrowing RecordView) { records += 1 }
    mutating func malformed(_ row: MalformedRow) { malformed += 1 }
}

benchmark("scanner.records") { state in
    var sink = CountingSink()
    var scanner = RecordScanner()
    corpus.withUnsafeBytes { scanner.feed($0, into: &sink) }
    scanner.finish(into: &sink)
    precondition(sink.records > 0)
    state.increment(counter: "MB", by: megabytes)
}

benchmark("scanner.sessions") { state in
    var finished = 0
    var tracker = SessionTracker(server: "B") { _ in finished += 1 }
    var scanner = RecordScanner()
    corpus.withUnsafeBytes { scanner.feed($0, into: &tracker) }
    scanner.finish(into: &tracker)
    precondition(finished > 0)
    state.increment(counter: "MB", by: megabytes)
}

let sentence = "TLS protocol SP_PROT_TLS1_2_SERVER negotiation succeeded using bulk encryption algorithm CALG_AES_128 with strength 128 bits, MAC hash algorithm CALG_SHA_256 with strength 0 bits and key exchange algorithm CALG_ECDH_EPHEM with strength 256 bits"
benchmark("tls.classify") {
    precondition(TLSSentence.classify(text: sentence) != nil)
}

/// Every session of the corpus, finished, as the tracker hands them to the rollups.
@MainActor func finishedSessions() -> [SessionFragment] {
    var finished: [SessionFragment] = []
    var tracker = SessionTracker(server: "B") { finished.append($0) }
    var scanner = RecordScanner()
    corpus.withUnsafeBytes { scanner.feed($0, into: &tracker) }
    scanner.finish(into: &tracker)
    return finished
}

benchmark("rollups.add") { state in
    let finished = finishedSessions()
    try state.measure {
        var delta = RollupDelta()
        for f in finished { delta.add(f) }
        precondition(delta.sessionCount == finished.count)
    }
    state.increment(counter: "sessions", by: Double(finished.count))
}

func ingestOnce(_ paths: [String]) throws -> IngestSummary {
    let db = root.appendingPathComponent("b-\(UUID().uuidString).sqlite").path
    defer { for s in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: db + s) } }
    var options = IngestOptions()
    options.jobs = 1
    return try IngestPipeline(store: try SQLiteStore(path: db), options: options)
        .run(InputDiscovery.discover(paths, server: nil))
}

benchmark("ingest.sqlite.plain") { state in
    let summary = try ingestOnce([root.appendingPathComponent("logs").path])
    precondition(summary.inputsIngested == truth.files.count)
    state.increment(counter: "MB", by: megabytes)
}

benchmark("sqlite.upserts") { state in
    let finished = finishedSessions()
    var delta = RollupDelta()
    for f in finished { delta.add(f) }
    let db = root.appendingPathComponent("u-\(UUID().uuidString).sqlite").path
    let store = try SQLiteStore(path: db)
    try state.measure {
        try? store.commit(InputCommit(ledger: [], delta: delta, openSessions: .init(upserted: [], deleted: []), malformedSamples: []))
    }
    state.increment(counter: "keys", by: Double(delta.sessions.count + delta.identities.count))
}

Benchmark.main()
