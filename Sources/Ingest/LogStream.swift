import ByteInput
import LogScanner
import Rollups
import TLSSessions

/// One log being read — a plain file, a decompressed file, or an archive member: its scanner,
/// its session tracker and the rollups of the sessions it completes (its own, or the run's
/// carried tallies: ``TallyCarry``).
final class LogStream {
    let input: InputFile
    let member: String
    var scanner = RecordScanner()
    var tracker: SessionTracker
    private var sniffed = false
    private var decoder: (any StreamDecoder)?
    private var pendingHead: [UInt8] = []
    private let nested: Bool
    /// The run's carried tallies, when this log is to count into them (``TallyCarry``).
    private var carry: TallyCarry.Target?
    /// Where this log's sessions start in the carried tallies, once it took them.
    private var carried: TallyCarry.Mark?

    /// - Parameters:
    ///   - nested: sniff the first bytes for zstd/gzip and decompress (archive members).
    ///   - carry: count the log's sessions into the run's carried tallies (a whole input that
    ///     ``CarryPlan`` lets carry, or any whole input of a one-job ingest) rather than into
    ///     tallies of its own.
    init(
        input: InputFile, member: String, nested: Bool, maximumOpenSessions: Int, resume: @escaping (UInt64) -> UInt64,
        carry: TallyCarry.Target? = nil
    ) {
        self.input = input
        self.member = member
        self.nested = nested
        self.carry = nested ? nil : carry
        tracker = SessionTracker(server: input.server, maximumOpenSessions: maximumOpenSessions)
        tracker.resumeOffset = resume
    }

    var name: String { member.isEmpty ? input.path : "\(input.path):\(member)" }

    /// The next bytes of the log (compressed, for a member that is).
    func feed(_ chunk: UnsafeRawBufferPointer) throws {
        if nested && !sniffed && decoder == nil {
            // A member's first bytes may arrive a few at a time: gather four to tell its compression.
            if pendingHead.count + chunk.count < 4 {
                pendingHead.append(contentsOf: chunk)
                return
            }
            let head = pendingHead + Array(chunk.prefix(4))
            if let d = try Compression.sniff(head).makeDecoder(name: name) { decoder = d }
            let gathered = pendingHead
            pendingHead = []
            if !gathered.isEmpty { try gathered.withUnsafeBytes { try route($0) } }
        }
        try route(chunk)
    }

    private func route(_ chunk: UnsafeRawBufferPointer) throws {
        if let decoder {
            try decoder.feed(chunk) { try scan($0) }
        } else {
            try scan(chunk)
        }
    }

    private func scan(_ chunk: UnsafeRawBufferPointer) throws {
        if !sniffed {
            sniffed = true
            try HeaderSniffer.check(chunk)
            if let target = carry {
                // Several jobs: only the log the plan read (a file rewritten since keeps its own).
                if target.expectedFingerprint == nil || HeadFingerprint.of(chunk) == target.expectedFingerprint {
                    let checkpoint = tracker.continueTallies(target.carry.take(target.slot))
                    carried = TallyCarry.Mark(checkpoint: checkpoint, slot: target.slot)
                } else {
                    carry = nil
                }
            }
        }
        scanner.feed(chunk, into: &tracker)
    }

    /// The log ended: its result.
    func finish(bytesRead: UInt64) -> InputScanResult {
        do {
            if !pendingHead.isEmpty {
                let gathered = pendingHead
                pendingHead = []
                try gathered.withUnsafeBytes { try route($0) }
            }
            try decoder?.finish()
        } catch {
            return failed(error, bytesRead: bytesRead)
        }
        scanner.finish(into: &tracker)
        var delta = RollupDelta()
        if carried == nil {
            delta.add(tracker.tallies, server: input.server)
        } else {
            delta.addCounts(tracker.tallies)
        }
        for u in tracker.unrecognized.values.sorted(by: { $0.text < $1.text }) {
            delta.addUnrecognized(server: input.server, u)
        }
        let result = InputScanResult(
            input: input, member: member, fingerprint: tracker.fingerprint, skippedBefore: tracker.skipBefore,
            scan: scanner.statistics, tracker: tracker.statistics, delta: delta, boundary: tracker.boundaryFragments(),
            malformedSamples: tracker.malformedSamples, failure: nil, bytesRead: bytesRead, carried: carried)
        if let carry, let mark = carried {
            carry.carry.put(tracker.takeTallies(), mark.slot)
            carried = nil
        }
        return result
    }

    /// The log could not be read to its end: nothing of it counts.
    func failed(_ error: any Error, bytesRead: UInt64) -> InputScanResult {
        // The summary names the input beside the message: say the cause only, not the path again.
        let failure = (error as? InputFailure)
            ?? (error as? ByteInputError).map { .unreadable($0.message) }
            ?? .unreadable(String(describing: error))
        if let carry, let mark = carried {
            var tallies = tracker.takeTallies()
            tallies.rollback(to: mark.checkpoint)
            carry.carry.put(tallies, mark.slot)
            carried = nil
        }
        return InputScanResult(
            input: input, member: member, fingerprint: tracker.fingerprint, skippedBefore: tracker.skipBefore,
            scan: scanner.statistics, tracker: tracker.statistics, delta: RollupDelta(), boundary: [],
            malformedSamples: [], failure: failure, bytesRead: bytesRead)
    }
}
