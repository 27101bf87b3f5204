import Benchmark
import ByteInput
import CByteSearch
import CMallocCount
import Foundation
import Ingest
import LogGenerator
import LogScanner
import Rollups
import Store
import TLSSessions

// One corpus for all benchmarks: 4 hours of two servers' logs (~18 MB), generated in a
// temporary directory, plus the same bytes concatenated in memory. SMTPTLS_BENCH_SESSIONS_PER_HOUR
// and SMTPTLS_BENCH_NO_LEGACY=1 make it the callgrind corpus's shape (1500, no legacy server).
let root = FileManager.default.temporaryDirectory.appendingPathComponent("smtptls-bench-\(getpid())")
var config = GeneratorConfig()
config.seed = 99
config.hours = 4
config.sessionsPerHour = Int(ProcessInfo.processInfo.environment["SMTPTLS_BENCH_SESSIONS_PER_HOUR"] ?? "") ?? 300
if ProcessInfo.processInfo.environment["SMTPTLS_BENCH_NO_LEGACY"] != nil { config.legacyServers = [] }
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

// MARK: Allocations per stage (issue #11: "a row costs no heap allocation")

/// Heap allocations made by `body`.
func allocations(_ body: () throws -> Void) rethrows -> UInt64 {
    let before = smtptls_allocations()
    try body()
    return UInt64(smtptls_allocations() - before)
}

/// One stage's allocations per MB of log, and the most it may make: a stage that goes past its
/// ceiling has started allocating per row again (measured 2026-11-24 and recorded in
/// docs/performance.md; the ceilings leave room for the corpus's randomness, not for a change of
/// kind).
struct StageAllocations {
    var stage: String
    var count: UInt64
    var ceilingPerMB: Double
    var perMB: Double { Double(count) / megabytes }
}

var stages: [StageAllocations] = []
var trackerForDelta = SessionTracker(server: "B")
stages.append(StageAllocations(stage: "split lines and fields", count: allocations {
    var sink = CountingSink()
    var scanner = RecordScanner()
    corpus.withUnsafeBytes { scanner.feed($0, into: &sink) }
    scanner.finish(into: &sink)
}, ceilingPerMB: 40))
stages.append(StageAllocations(stage: "split + session tracker", count: allocations {
    var scanner = RecordScanner()
    corpus.withUnsafeBytes { scanner.feed($0, into: &trackerForDelta) }
    scanner.finish(into: &trackerForDelta)
}, ceilingPerMB: 600))
var deltaForCommit = RollupDelta()
stages.append(StageAllocations(stage: "tallies into a delta", count: allocations {
    deltaForCommit.add(trackerForDelta.tallies, server: "B")
}, ceilingPerMB: 20))
let commitPath = root.appendingPathComponent("alloc.sqlite").path
let commitStore = try SQLiteStore(path: commitPath)
stages.append(StageAllocations(stage: "SQLite commit (new database)", count: try allocations {
    try commitStore.commit(InputCommit(ledger: [], delta: deltaForCommit, openSessions: .init(upserted: [], deleted: []), malformedSamples: []))
}, ceilingPerMB: 450))
stages.append(StageAllocations(stage: "whole ingest, one job", count: try allocations {
    _ = try ingestOnce([root.appendingPathComponent("logs").path])
}, ceilingPerMB: 4_000))
/// Unbuffered, so the table is out before a failed ceiling stops the run.
func report(_ line: String) { FileHandle.standardOutput.write(Data((line + "\n").utf8)) }
report(String(format: "corpus %.1f MB, %d sessions", megabytes, truth.sessions.count))
report("| stage | allocations | per MB | ceiling per MB |\n|---|---:|---:|---:|")
for s in stages {
    report(String(format: "| %@ | %llu | %.0f | %.0f |", s.stage, s.count, s.perMB, s.ceilingPerMB))
}
for s in stages {
    precondition(s.perMB <= s.ceilingPerMB, "\(s.stage): \(Int(s.perMB)) allocations per MB, over its ceiling of \(Int(s.ceilingPerMB))")
}

// MARK: Timings

benchmark("scanner.records") { state in
    var sink = CountingSink()
    var scanner = RecordScanner()
    corpus.withUnsafeBytes { scanner.feed($0, into: &sink) }
    scanner.finish(into: &sink)
    precondition(sink.records > 0)
    state.increment(counter: "MB", by: megabytes)
}

// The line kernels alone (each one the processor runs), over the corpus in calls of 128 lines
// as the scanner makes them.
for (name, kernel) in [("baseline", SMTPTLS_KERNEL_BASELINE), ("avx2", SMTPTLS_KERNEL_AVX2), ("avx512", SMTPTLS_KERNEL_AVX512)]
where smtptls_kernel_available(kernel) != 0 {
    benchmark("kernel.\(name)") { state in
        var lines = [smtptls_line_fields](repeating: smtptls_line_fields(), count: 128)
        var total = 0
        corpus.withUnsafeBytes { raw in
            let bytes = raw.bindMemory(to: UInt8.self)
            lines.withUnsafeMutableBufferPointer { out in
                var at = 0
                while true {
                    var used = 0
                    let found = smtptls_split_lines_with(kernel, bytes.baseAddress! + at, bytes.count - at, out.baseAddress, out.count, &used)
                    total += found
                    at += used
                    if found < out.count { break }
                }
            }
        }
        precondition(total > 0)
        state.increment(counter: "MB", by: megabytes)
    }
}

// What ingest's scanning jobs do per input: split and track, sessions counted into tallies
// (no portable fragment per finished session, which only tests ask for).
benchmark("scanner.sessions") { state in
    var tracker = SessionTracker(server: "B")
    var scanner = RecordScanner()
    corpus.withUnsafeBytes { scanner.feed($0, into: &tracker) }
    scanner.finish(into: &tracker)
    precondition(tracker.statistics.sessionsCompleted > 0)
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
