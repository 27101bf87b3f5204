import ByteInput
import Foundation
import LogScanner
import Rollups
import TLSSessions

/// Runs an ingest: inputs are scanned (in parallel when `jobs` > 1), merged one by one in input
/// order, and committed in batches of consecutive inputs, each batch in one transaction with its
/// ledger rows, on a thread of its own (``BackgroundCommitter``).
public final class IngestPipeline {
    let store: any RollupStore
    let options: IngestOptions
    let scanner: InputScanner
    /// Called after each input is merged (progress display).
    public var onInputDone: ((InputScanResult) -> Void)?

    public init(store: any RollupStore, options: IngestOptions) {
        self.store = store
        self.options = options
        self.scanner = InputScanner(
            useMemoryMap: options.useMemoryMap, maximumOpenSessions: options.maximumOpenSessions, redact: options.redact)
    }

    /// Runs over discovered inputs; paths that could not be read or walked count as failed inputs.
    public func run(_ discovery: InputDiscovery.Result) throws -> IngestSummary {
        var summary = try run(discovery.inputs)
        summary.errors = discovery.problems.map { ($0.path, $0.message) } + summary.errors
        summary.notes = discovery.notes.map { ($0.path, $0.message) } + summary.notes
        return summary
    }

    public func run(_ inputs: [InputFile]) throws -> IngestSummary {
        let started = Date()
        var summary = IngestSummary()
        summary.inputsFound = inputs.count
        var ledger = try store.loadLedger()
        var joiner = SessionJoiner(
            timeout: options.sessionTimeout, maximumOpen: options.maximumOpenSessions, open: try store.loadOpenSessions())
        let snapshot = ledger
        var batch = PendingBatch()
        let committer = BackgroundCommitter(store: store)
        // However the run ends, no commit may still be running when it returns.
        defer { try? committer.drain() }
        let resume: @Sendable (UInt64) -> UInt64 = { snapshot[$0]?.consumedBytes ?? 0 }
        // Each input's sessions are counted on into the tallies of the inputs before it, so the
        // merge adds no rollups (``TallyCarry``): with one job every whole log, with several those
        // the plan lets carry.
        let inOrder = ParallelScan.runsInOrder(jobs: options.jobs, count: inputs.count)
        let carry = store.keepsRollups ? TallyCarry() : nil
        let plan = carry == nil || inOrder ? nil : CarryPlan.make(inputs, jobs: options.jobs)
        // A store whose commits are its server's work commits each complete part of the run
        // while the next is scanned (``BatchBoundaries``).
        let generations = ScanGenerations(
            batchStarts: store.commitsElsewhere ? BatchBoundaries.plan(inputs, minimumBytes: options.earlyCommitBytes) : [])
        let target: @Sendable (InputFile, ParallelScan.Claim) -> TallyCarry.Target? = { input, claim in
            guard let carry else { return nil }
            let slot = TallyCarry.Slot(generation: claim.generation, server: input.server)
            if inOrder { return TallyCarry.Target(carry: carry, slot: slot, expectedFingerprint: nil) }
            guard let fingerprint = plan?.fingerprints[claim.index] else { return nil }
            return TallyCarry.Target(carry: carry, slot: slot, expectedFingerprint: fingerprint)
        }
        let scanner = self.scanner
        var mergeNanoseconds: UInt64 = 0
        try ParallelScan.run(inputs, jobs: options.jobs, generations: generations, scan: { input, claim, emit in
            scanner.scan(input, resumeOffset: resume, carry: target(input, claim), emit: emit)
        }) { index, scanned in
            let mergeStarted = DispatchTime.now().uptimeNanoseconds
            defer { mergeNanoseconds += DispatchTime.now().uptimeNanoseconds - mergeStarted }
            // Each closed generation's batch goes once its last input is merged.
            func flushClosed(mergedThrough merged: Int) throws {
                while let c = generations.nextClose, c.lastInput <= merged {
                    try flush(&batch, joiner: &joiner, carry: carry, through: c.generation, to: committer)
                    generations.closeFlushed()
                }
            }
            do {
                try flushClosed(mergedThrough: index - 1)
                var result = scanned
                // The same content seen earlier in this run (a duplicate copy, the same member in
                // two archives, a log that grew between two copies): read it again against the
                // updated ledger so only what is new counts.
                if let fp = result.fingerprint, ledger[fp]?.consumedBytes != snapshot[fp]?.consumedBytes {
                    let current = ledger
                    if result.member.isEmpty {
                        if result.carried != nil && !inOrder {
                            // Counted on top of by now: cannot be taken out (``CarryPlan`` reads
                            // every input first so that this does not happen).
                            throw ByteInputError(
                                "changed while this run read it (its content now matches another input's); nothing of this batch was counted, run ingest again",
                                input: result.input.path)
                        }
                        discard(result, carry)
                        var rescanned: [InputScanResult] = []
                        let again = result.carried.flatMap { mark in
                            carry.map { TallyCarry.Target(carry: $0, slot: mark.slot, expectedFingerprint: nil) }
                        }
                        scanner.scan(result.input, resumeOffset: { current[$0]?.consumedBytes ?? 0 }, carry: again) {
                            rescanned.append($0)
                        }
                        result = rescanned[0]
                    } else if result.scan.consumedBytes > (current[fp]?.consumedBytes ?? 0) {
                        summary.notes.append((result.name, "also in an input read earlier in this run, longer here; ingest again to count the rest"))
                        return
                    } else {
                        result.skippedBefore = current[fp]?.consumedBytes ?? 0
                    }
                }
                if !(try merge(result, ledger: &ledger, joiner: &joiner, batch: &batch, summary: &summary)) && inOrder {
                    // With several jobs a carried input the merge turns away counted nothing
                    // (unchanged, no records, or rolled back by its own failed scan).
                    discard(result, carry)
                }
                if generations.nextClose == nil
                    && batch.isFull(maximumRows: options.maximumBatchRows, carriedRows: carry?.rowCount ?? 0)
                {
                    // The batch ends with the last input claimed: every input of its generation.
                    generations.close()
                    try flushClosed(mergedThrough: index)
                }
                onInputDone?(result)
            }
        }
        try flush(&batch, joiner: &joiner, carry: carry, through: .max, to: committer)
        try committer.drain()
        summary.mergeSeconds = Double(mergeNanoseconds) / 1e9
        summary.commitSeconds = committer.busySeconds
        summary.commits = committer.commits
        if options.finalizeOpenSessions {
            var delta = RollupDelta()
            joiner.finalizeAll(into: &delta)
            let changes = joiner.takeChanges()
            if !delta.isEmpty || !changes.deleted.isEmpty {
                try store.commit(InputCommit(ledger: [], delta: delta, openSessions: changes, malformedSamples: []))
                summary.sessions.mergeCounts(delta)
            }
        }
        summary.openSessionsAtEnd = joiner.open.count
        summary.seconds = Date().timeIntervalSince(started)
        return summary
    }

    /// Hands the pending inputs, with the open-session changes they caused and the rollups
    /// carried for them (generations up to `generation`), to the committer (one transaction).
    private func flush(
        _ batch: inout PendingBatch, joiner: inout SessionJoiner, carry: TallyCarry?, through generation: Int,
        to committer: BackgroundCommitter
    ) throws {
        var delta = carry?.drain(through: generation) ?? RollupDelta()
        guard !batch.ledger.isEmpty else {
            // No input of these generations counted, so none counted into them either.
            assert(delta.isEmpty, "carried rollups belong to inputs of the batch")
            return
        }
        delta.merge(batch.delta)
        try committer.submit(InputCommit(
            ledger: batch.ledger, delta: delta, openSessions: joiner.takeChanges(), malformedSamples: batch.samples))
        batch = PendingBatch()
    }

    /// A result that does not count: its sessions leave the carried tallies again (one job).
    private func discard(_ r: InputScanResult, _ carry: TallyCarry?) {
        if let mark = r.carried { carry?.rollback(to: mark.checkpoint, in: mark.slot) }
    }

    /// Adds one result to the batch; false when it does not count (nothing of it is added).
    private func merge(
        _ r: InputScanResult, ledger: inout [UInt64: LedgerEntry], joiner: inout SessionJoiner, batch: inout PendingBatch,
        summary: inout IngestSummary
    ) throws -> Bool {
        let path = r.name
        summary.bytes += r.bytesRead
        switch r.failure {
        case .unreadable(let message)?:
            summary.errors.append((path, message + " (nothing from this input was counted)"))
            return false
        case .notProtocolLog(let message)?:
            summary.notes.append((path, message + "; skipped"))
            return false
        case nil: break
        }
        guard let fingerprint = r.fingerprint else {
            summary.notes.append((path, r.scan.lines == 0 ? "empty file; skipped" : "no records yet; skipped"))
            summary.malformedRows += r.tracker.malformedRows
            return false
        }
        let previous = ledger[fingerprint]
        guard r.scan.consumedBytes > r.skippedBefore else {
            summary.inputsUnchanged += 1
            return false
        }
        summary.inputsIngested += 1
        // What the joiner finishes is counted apart: adding it to the input's delta would copy
        // that delta whole first (the scan result still holds it).
        var joined = RollupDelta()
        joiner.merge(r.boundary, into: &joined)
        joiner.expireIdle(into: &joined)
        let entry = LedgerEntry(
            fingerprint: fingerprint, server: r.input.server, path: r.input.path, member: r.member, size: r.input.size,
            modificationTime: r.input.modificationTime, consumedBytes: r.scan.consumedBytes,
            records: (previous?.records ?? 0) + Int64(r.tracker.records),
            malformedRows: (previous?.malformedRows ?? 0) + Int64(r.tracker.malformedRows))
        batch.add(entry, deltas: store.keepsRollups ? [r.delta, joined] : [], samples: r.malformedSamples.map {
            MalformedSample(
                fingerprint: fingerprint, path: r.input.path, member: r.member, line: $0.line, reason: "\($0.reason)",
                excerpt: options.redact ? "(redacted)" : $0.excerpt)
        })
        ledger[fingerprint] = entry
        summary.records += r.tracker.records
        summary.logBytes += r.scan.consumedBytes - min(r.scan.consumedBytes, r.skippedBefore)
        summary.malformedRows += r.tracker.malformedRows
        for row in r.malformedSamples where summary.malformedSamples.count < 20 {
            summary.malformedSamples.append((path, row))
        }
        summary.sessions.mergeCounts(r.delta)
        summary.sessions.mergeCounts(joined)
        return true
    }
}

/// Inputs merged but not yet committed. Consecutive inputs are committed together (up to 1,024
/// inputs, 100,000 rollup rows or 10 seconds), so the rollups of a day's files are aggregated in
/// memory and the database sees one upsert per key per batch. The bound is the batch's rows, what
/// its memory grows with, not its bytes: batches of 256 MB upserted a day's keys again in each of
/// the four batches of a day's gigabyte (commits 0.46–0.77 → 0.13–0.19 s per GB, docs/
/// performance.md). Each input is still all-or-nothing: a killed run loses at most the batch in
/// progress, and the ledger says so.
struct PendingBatch {
    var ledger: [LedgerEntry] = []
    var delta = RollupDelta()
    var samples: [MalformedSample] = []
    var started = Date()

    mutating func add(_ entry: LedgerEntry, deltas: [RollupDelta], samples s: [MalformedSample]) {
        if ledger.isEmpty { started = Date() }
        ledger.append(entry)
        for d in deltas { delta.merge(d) }
        samples += s
    }

    static let maximumInputs = 1024
    /// About 20 MB of rollup rows (``IngestOptions/maximumBatchRows``).
    static let maximumRows = 100_000

    /// - Parameter carriedRows: the batch's rollup rows carried outside ``delta`` (``TallyCarry``).
    func isFull(maximumRows: Int, carriedRows: Int) -> Bool {
        ledger.count >= Self.maximumInputs || delta.rowCount + carriedRows >= maximumRows
            || Date().timeIntervalSince(started) >= 10
    }
}
