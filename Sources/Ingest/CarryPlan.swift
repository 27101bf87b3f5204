import ByteInput
import Dispatch
import LogScanner

/// Which inputs of a run with several jobs count into the carried tallies (``TallyCarry``),
/// decided before any is scanned.
///
/// With several jobs, a worker counts the next input it claims on top of the last, before the
/// merge has seen the last: the merge can no longer take an input back out. The one input the
/// merge would take back out after counting it is one whose content was met earlier in the
/// same run (a copy of a log, a log given twice), which it reads again against the updated
/// ledger. So the plan reads the first bytes of every input, as the scanner will, and lets an
/// input carry only when it is a plain log whose fingerprint (its header lines and first
/// record, ``RecordScanner``) no other input of the run shares. A compressed input or an archive
/// tells its fingerprints only when decompressed: a run that holds one carries nothing (each
/// input keeps tallies of its own and the merge adds them, as before). A scan checks the
/// fingerprint again before it takes the tallies (``HeadFingerprint``), so a file rewritten
/// between the plan and its scan keeps tallies of its own.
struct CarryPlan: Sendable {
    /// The expected fingerprint of each input that carries, by input index.
    let fingerprints: [Int: UInt64]

    /// The plan for `inputs`, or nil when none may carry (an input is compressed or an archive).
    /// The inputs' first bytes are read on up to `jobs` threads.
    static func make(_ inputs: [InputFile], jobs: Int = 1) -> CarryPlan? {
        let heads = LockedValue([Head](repeating: .unreadable, count: inputs.count))
        DispatchQueue.concurrentPerform(iterations: max(1, min(jobs, inputs.count))) { job in
            for index in stride(from: job, to: inputs.count, by: max(1, jobs)) {
                let head = Head(inputs[index].path)
                heads.withLock { $0[index] = head }
            }
        }
        var found: [Int: UInt64] = [:]
        var seen: [UInt64: Int] = [:]
        for (index, head) in heads.withLock({ $0 }).enumerated() {
            switch head {
            case .container: return nil
            case .unreadable, .notLog: continue
            case .log(let fingerprint?):
                seen[fingerprint, default: 0] += 1
                found[index] = fingerprint
            case .log(nil): continue
            }
        }
        return CarryPlan(fingerprints: found.filter { seen[$0.value] == 1 })
    }

    /// What an input's first bytes say.
    private enum Head {
        case unreadable
        /// Compressed, or an archive: its logs' fingerprints need decompressing.
        case container
        case notLog
        /// A plain log, with its fingerprint when its first record ends within the window.
        case log(UInt64?)

        init(_ path: String) {
            guard let head = try? HeadFingerprint.readHead(path) else {
                self = .unreadable
                return
            }
            let isLog = head.withUnsafeBytes { HeaderSniffer.startsWithHeader($0) }
            guard isLog else {
                let isTar = head.withUnsafeBytes { TarReader.looksLikeTar($0) }
                if case .stream(.none) = InputContainer(head: head), !isTar {
                    self = .notLog
                } else {
                    self = .container
                }
                return
            }
            self = .log(HeadFingerprint.of(path, head: head))
        }
    }
}

/// A log's fingerprint from its first bytes, as its full scan computes it.
enum HeadFingerprint {
    /// How far into a log its first record is looked for.
    static let window = 64 << 10

    /// The fingerprint ``RecordScanner`` gives the log that starts with `head`, or nil when its
    /// first record does not end within ``window`` bytes.
    static func of(_ head: UnsafeRawBufferPointer) -> UInt64? {
        struct Identity: RecordSink {
            var fingerprint: UInt64?
            mutating func identified(fingerprint: UInt64) { self.fingerprint = fingerprint }
            mutating func record(_ record: borrowing RecordView) {}
            mutating func malformed(_ row: MalformedRow) {}
        }
        var scanner = RecordScanner()
        var sink = Identity()
        scanner.feed(UnsafeRawBufferPointer(rebasing: head.prefix(window)), into: &sink)
        return sink.fingerprint
    }

    /// The fingerprint of the log at `path` whose first bytes are `head` (``readHead(_:)``'s):
    /// read further, up to ``window`` bytes, when the first record does not end in them.
    static func of(_ path: String, head: [UInt8]) -> UInt64? {
        if let fingerprint = head.withUnsafeBytes({ of($0) }) { return fingerprint }
        guard head.count == firstRead, let more = try? OpenFile(path: path).head(maximum: window) else { return nil }
        return more.withUnsafeBytes { of($0) }
    }

    /// Bytes read first: a log's header lines and first record fit in them (about 600 bytes).
    static let firstRead = 4096

    /// The first ``firstRead`` bytes of a file (fewer if it is shorter).
    static func readHead(_ path: String) throws -> [UInt8] {
        try OpenFile(path: path).head(maximum: firstRead)
    }
}
