import ByteInput
import LogScanner
import Rollups
import TLSSessions

/// The result of reading one input on its own: everything the ordered merge needs.
///
/// Scanning is independent per input (it can run on any thread); only the merge of boundary
/// fragments and the commit are serial, in input order, which is why parallel and serial runs
/// give identical databases.
public struct InputScanResult: Sendable {
    public var input: InputFile
    public var fingerprint: UInt64?
    /// The resume offset used (the ledger's consumed bytes at scan time).
    public var skippedBefore: UInt64
    public var scan: ScanStatistics
    public var tracker: TrackerStatistics
    /// Rollups of sessions that started and ended inside this input.
    public var delta: RollupDelta
    /// Fragments to join across inputs, in merge order.
    public var boundary: [SessionFragment]
    public var malformedSamples: [MalformedRow]
    /// Why nothing was read (unreadable, corrupt, not a log); nil when the scan completed.
    public var failure: InputFailure?
    /// Bytes read from the underlying file (compressed size for archives).
    public var bytesRead: UInt64
}

/// Why an input contributed nothing.
public enum InputFailure: Error, Sendable, CustomStringConvertible {
    /// Could not be read or decompressed: an error, the run exits non-zero.
    case unreadable(String)
    /// Not an SMTP protocol log: a note, skipped.
    case notProtocolLog(String)

    public var description: String {
        switch self {
        case .unreadable(let m): return m
        case .notProtocolLog(let m): return m
        }
    }
}

/// Scans inputs: bytes to records to session fragments and rollup increments.
public struct InputScanner: Sendable {
    public var useMemoryMap: Bool
    public var maximumOpenSessions: Int

    public init(useMemoryMap: Bool = true, maximumOpenSessions: Int = 1_000_000) {
        self.useMemoryMap = useMemoryMap
        self.maximumOpenSessions = maximumOpenSessions
    }

    /// Reads `input`, ignoring records before `resumeOffset(fingerprint)`.
    public func scan(_ input: InputFile, resumeOffset: @escaping (UInt64) -> UInt64) -> InputScanResult {
        var delta = RollupDelta()
        var tracker = SessionTracker(server: input.server, maximumOpenSessions: maximumOpenSessions) {
            delta.add($0)
        }
        tracker.resumeOffset = resumeOffset
        var scanner = RecordScanner()
        var failure: InputFailure?
        do {
            switch input.compression {
            case .none:
                if useMemoryMap {
                    var source = try MappedFile(path: input.path)
                    try run(&source, &scanner, &tracker)
                } else {
                    var source = try ReadFileSource(path: input.path)
                    try run(&source, &scanner, &tracker)
                }
            case .zstd:
                var source = ZstdSource(try ReadFileSource(path: input.path))
                try run(&source, &scanner, &tracker)
            case .gzip:
                var source = GzipSource(try ReadFileSource(path: input.path))
                try run(&source, &scanner, &tracker)
            }
        } catch let f as InputFailure {
            failure = f
        } catch {
            failure = .unreadable(String(describing: error))
        }
        let boundary = failure == nil ? tracker.boundaryFragments() : []
        if failure == nil {
            for u in tracker.unrecognized.values.sorted(by: { $0.text < $1.text }) {
                delta.addUnrecognized(server: input.server, u)
            }
        } else {
            delta = RollupDelta()
        }
        return InputScanResult(
            input: input, fingerprint: tracker.fingerprint, skippedBefore: tracker.skipBefore,
            scan: scanner.statistics, tracker: tracker.statistics, delta: delta, boundary: boundary,
            malformedSamples: tracker.malformedSamples, failure: failure, bytesRead: input.size)
    }

    private func run<S: ByteSource>(_ source: inout S, _ scanner: inout RecordScanner, _ tracker: inout SessionTracker) throws {
        var first = true
        try source.forEachChunk { chunk in
            if first {
                first = false
                try HeaderSniffer.check(chunk)
            }
            scanner.feed(chunk, into: &tracker)
        }
        scanner.finish(into: &tracker)
    }
}

/// Decides from an input's first bytes whether it is an Exchange SMTP protocol log.
enum HeaderSniffer {
    /// Throws ``InputFailure/notProtocolLog(_:)`` unless the bytes start (after an optional BOM)
    /// with an Exchange `#` header line, and any `#Log-type:` among them names an SMTP protocol log.
    static func check(_ chunk: UnsafeRawBufferPointer) throws {
        var head = Array(chunk.prefix(4096))
        if head.starts(with: [0xEF, 0xBB, 0xBF]) { head.removeFirst(3) }
        let text = String(decoding: head, as: UTF8.self)
        let known = ["#Software:", "#Version:", "#Log-type:", "#Date:", "#Fields:"]
        guard known.contains(where: { text.hasPrefix($0) }) else {
            throw InputFailure.notProtocolLog("not an Exchange log (no #Software/#Fields header at the start)")
        }
        for line in text.split(whereSeparator: \.isNewline) where line.hasPrefix("#Log-type:") {
            let lower = line.lowercased()
            if !(lower.contains("smtp") && (lower.contains("receive") || lower.contains("send"))) {
                throw InputFailure.notProtocolLog(
                    "not an SMTP protocol log (\(line.trimmingCharacters(in: .whitespaces)))")
            }
        }
    }
}

import Foundation
