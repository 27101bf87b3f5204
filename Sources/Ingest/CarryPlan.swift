import ByteInput
import Foundation
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
    static func make(_ inputs: [InputFile]) -> CarryPlan? {
        var found: [Int: UInt64] = [:]
        var seen: [UInt64: Int] = [:]
        for (index, input) in inputs.enumerated() {
            guard let head = try? HeadFingerprint.readHead(input.path) else { continue }
            let isLog = head.withUnsafeBytes { HeaderSniffer.startsWithHeader($0) }
            guard isLog else {
                // Not a plain log: compressed or an archive (carry nothing), or not a log at all.
                let isTar = head.withUnsafeBytes { TarReader.looksLikeTar($0) }
                if case .stream(.none) = InputContainer(head: head), !isTar { continue }
                return nil
            }
            guard let fingerprint = head.withUnsafeBytes({ HeadFingerprint.of($0) }) else { continue }
            seen[fingerprint, default: 0] += 1
            found[index] = fingerprint
        }
        return CarryPlan(fingerprints: found.filter { seen[$0.value] == 1 })
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

    /// The first ``window`` bytes of a file (fewer if it is shorter).
    static func readHead(_ path: String) throws -> [UInt8] {
        guard let handle = FileHandle(forReadingAtPath: path) else {
            throw ByteInputError("cannot open (permission?)", input: path)
        }
        defer { try? handle.close() }
        return [UInt8](try handle.read(upToCount: window) ?? Data())
    }
}
