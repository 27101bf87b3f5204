import ByteInput
import Foundation
import LogScanner
import Rollups
import TLSSessions

/// The result of reading one log on its own — a file, or one member of an archive: everything
/// the ordered merge needs.
///
/// Scanning is independent per input (it can run on any thread); only the merge of boundary
/// fragments and the commit are serial, in input order, which is why parallel and serial runs
/// give identical databases.
public struct InputScanResult: Sendable {
    public var input: InputFile
    /// The member path inside an archive; empty for a file that is itself a log.
    public var member: String
    public var fingerprint: UInt64?
    /// The resume offset used (the ledger's consumed bytes at scan time).
    public var skippedBefore: UInt64
    public var scan: ScanStatistics
    public var tracker: TrackerStatistics
    /// Rollups of sessions that started and ended inside this log.
    public var delta: RollupDelta
    /// Fragments to join across inputs, in merge order.
    public var boundary: [SessionFragment]
    public var malformedSamples: [MalformedRow]
    /// Why nothing was counted (unreadable, corrupt, not a log); nil when the scan completed.
    public var failure: InputFailure?
    /// Bytes of the input file this result accounts for (for progress and MB/s).
    public var bytesRead: UInt64
    /// Set when the log's rollups went into the run's carried tallies (``TallyCarry``) rather
    /// than into ``delta``: where they start there, for a merge that does not count the input
    /// to take them out again.
    var carried: TallyCarry.Mark? = nil

    /// `path` or `archive:member`, for messages.
    public var name: String { member.isEmpty ? input.path : "\(input.path):\(member)" }
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

/// Reads input files: plain, zstd or gzip logs, and tar (optionally compressed) or zip archives
/// of logs, each member streamed through the same scanner in bounded memory.
public struct InputScanner: Sendable {
    public var useMemoryMap: Bool
    public var maximumOpenSessions: Int
    public var redact: Bool

    public init(useMemoryMap: Bool = false, maximumOpenSessions: Int = 1_000_000, redact: Bool = false) {
        self.useMemoryMap = useMemoryMap
        self.maximumOpenSessions = maximumOpenSessions
        self.redact = redact
    }

    /// Reads `input` and hands `emit` one result per log in it, as each ends (one for a log file,
    /// one per member of an archive, so an archive's results never pile up in memory). Records
    /// before `resumeOffset(fingerprint)` of each log are skipped (already ingested). With
    /// `carry`, a log that is the whole input counts into the run's carried tallies.
    func scan(
        _ input: InputFile, resumeOffset: @escaping (UInt64) -> UInt64, carry: TallyCarry.Target?,
        emit: (InputScanResult) -> Void
    ) {
        withoutActuallyEscaping(emit) { scan(input, resumeOffset, carry, $0) }
    }

    /// Reads `input`, one result per log to `emit` (its own tallies each).
    public func scan(
        _ input: InputFile, resumeOffset: @escaping (UInt64) -> UInt64, emit: (InputScanResult) -> Void
    ) {
        scan(input, resumeOffset: resumeOffset, carry: nil, emit: emit)
    }

    private func scan(
        _ input: InputFile, _ resumeOffset: @escaping (UInt64) -> UInt64, _ carry: TallyCarry.Target?,
        _ emit: @escaping (InputScanResult) -> Void
    ) {
        // Opened once: the head that tells what the input is, then its content, through the one
        // descriptor (an archive is read by path: the zip reader seeks in it on its own).
        let file: OpenFile
        let head: [UInt8]
        do {
            file = try OpenFile(path: input.path)
            head = try file.head(maximum: Self.headBytes)
        } catch {
            emit(stream(input, member: "", nested: false, resumeOffset).failed(error, bytesRead: input.size))
            return
        }
        guard case .stream(let compression) = InputContainer(head: head) else {
            var members = MemberScanner(input: input, scanner: self, resume: resumeOffset, emit: emit)
            do {
                try ZipReader.read(path: input.path, into: &members)
            } catch {
                members.fail(error)
            }
            members.finish()
            return
        }
        var router = StreamRouter(input: input, scanner: self, resume: resumeOffset, carry: carry, emit: emit)
        do {
            let decoder = try compression.makeDecoder(name: input.path)
            func read<S: ByteSource>(_ source: inout S) throws {
                try source.forEachChunk { raw in
                    if let decoder { try decoder.feed(raw) { try router.feed($0) } } else { try router.feed(raw) }
                }
            }
            // A file modified in the last minute may still be written (the active hourly log):
            // read it with read(2), which sees a truncation as a short read, never as SIGBUS.
            let settled = Date().timeIntervalSince1970 - Double(input.modificationTime) > 60
            if compression == .none && useMemoryMap && settled {
                var source = try MappedFile(file)
                try read(&source)
            } else {
                var source = ReadFileSource(file)
                try read(&source)
            }
            try decoder?.finish()
        } catch {
            router.fail(error)
        }
        router.finish()
    }

    func stream(
        _ input: InputFile, member: String, nested: Bool, _ resume: @escaping (UInt64) -> UInt64,
        carry: TallyCarry.Target? = nil
    ) -> LogStream {
        let stream = LogStream(
            input: input, member: member, nested: nested, maximumOpenSessions: maximumOpenSessions, resume: resume,
            carry: carry)
        stream.tracker.redactUsers = redact
        return stream
    }

    /// The bytes of an input's start that tell what it is (``InputContainer``).
    static let headBytes = 512
}

/// Decides from the first (decompressed) bytes whether a stream is one log or a tar of logs.
struct StreamRouter {
    let input: InputFile
    let scanner: InputScanner
    let resume: (UInt64) -> UInt64
    /// For the stream, when it is one log (an archive's members keep tallies of their own).
    let carry: TallyCarry.Target?
    private var log: LogStream?
    private var tar: TarReader?
    private var members: MemberScanner
    private var failure: (any Error)?
    let emit: (InputScanResult) -> Void

    init(
        input: InputFile, scanner: InputScanner, resume: @escaping (UInt64) -> UInt64, carry: TallyCarry.Target?,
        emit: @escaping (InputScanResult) -> Void
    ) {
        self.input = input
        self.scanner = scanner
        self.resume = resume
        self.carry = carry
        self.emit = emit
        members = MemberScanner(input: input, scanner: scanner, resume: resume, emit: emit)
    }

    mutating func feed(_ chunk: UnsafeRawBufferPointer) throws {
        if log == nil && tar == nil {
            if TarReader.looksLikeTar(chunk) {
                tar = TarReader(archiveName: input.path)
            } else {
                log = scanner.stream(input, member: "", nested: false, resume, carry: carry)
            }
        }
        if let log {
            try log.feed(chunk)
        } else {
            try tar!.feed(chunk, into: &members)
        }
    }

    mutating func fail(_ error: any Error) { failure = error }

    mutating func finish() {
        if tar != nil {
            if failure == nil {
                do { try tar!.finish() } catch { failure = error }
            }
            if let failure { members.fail(failure) }
            members.finish()
            return
        }
        let stream = log ?? scanner.stream(input, member: "", nested: false, resume)
        emit(failure.map { stream.failed($0, bytesRead: input.size) } ?? stream.finish(bytesRead: input.size))
    }
}

/// Scans each member of an archive as its own log (compressed members are decompressed).
struct MemberScanner: ArchiveMemberSink {
    let input: InputFile
    let scanner: InputScanner
    let resume: (UInt64) -> UInt64
    let emit: (InputScanResult) -> Void
    private var current: LogStream?
    /// The last result, held back so the archive's size can be accounted to it.
    private var held: InputScanResult?
    private var emitted = 0

    init(input: InputFile, scanner: InputScanner, resume: @escaping (UInt64) -> UInt64, emit: @escaping (InputScanResult) -> Void) {
        self.input = input
        self.scanner = scanner
        self.resume = resume
        self.emit = emit
    }

    private mutating func add(_ result: InputScanResult) {
        if let held { emit(held) }
        held = result
        emitted += 1
    }

    mutating func beginMember(name: String, size: UInt64) -> Bool {
        // A member's own path names its server (EX01/FrontEnd/...) unless --server was given.
        var memberInput = input
        if !input.serverIsExplicit {
            let label = ServerLabel.derive(fromPath: name)
            if !label.isEmpty { memberInput.server = label }
        }
        current = scanner.stream(memberInput, member: name, nested: true, resume)
        return true
    }

    mutating func memberData(_ chunk: UnsafeRawBufferPointer) throws {
        guard let current else { return }
        do {
            try current.feed(chunk)
        } catch let failure as InputFailure {
            // This member is not a log (or is corrupt): note it, skip the rest of its bytes.
            add(current.failed(failure, bytesRead: 0))
            self.current = nil
        } catch let error as ByteInputError {
            add(current.failed(InputFailure.unreadable(error.description), bytesRead: 0))
            self.current = nil
        }
    }

    mutating func endMember() throws {
        guard let current else { return }
        add(current.finish(bytesRead: 0))
        self.current = nil
    }

    /// The archive could not be read further: the member in progress fails; earlier ones stand.
    mutating func fail(_ error: any Error) {
        if let current {
            add(current.failed(error, bytesRead: 0))
            self.current = nil
        } else if emitted == 0 || !(error is InputFailure) {
            let whole = scanner.stream(input, member: "", nested: false, resume)
            add(whole.failed(error, bytesRead: 0))
        }
    }

    mutating func finish() {
        if let current {
            add(current.finish(bytesRead: 0))
            self.current = nil
        }
        if emitted == 0 {
            add(scanner.stream(input, member: "", nested: false, resume).failed(
                InputFailure.notProtocolLog("archive holds no files"), bytesRead: 0))
        }
        // The archive's bytes are accounted to its last result, for progress and MB/s.
        held?.bytesRead = input.size
        if let held { emit(held) }
        held = nil
    }
}

/// Decides from an input's first bytes whether it is an Exchange SMTP protocol log.
enum HeaderSniffer {
    /// How far into an input its header lines are looked for.
    static let window = 4096

    static let byteOrderMark: [UInt8] = [0xEF, 0xBB, 0xBF]

    /// Whether `bytes` start (after an optional BOM) with one of Exchange's `#` header lines.
    static func startsWithHeader(_ bytes: UnsafeRawBufferPointer) -> Bool {
        var head = bytes
        if head.starts(with: byteOrderMark) { head = UnsafeRawBufferPointer(rebasing: head.dropFirst(3)) }
        return ["#Software:", "#Version:", "#Log-type:", "#Date:", "#Fields:"].contains { head.starts(with: $0.utf8) }
    }

    /// Throws ``InputFailure/notProtocolLog(_:)`` unless the bytes start (after an optional BOM)
    /// with an Exchange `#` header line, and any `#Log-type:` line among the first
    /// ``window`` bytes names an SMTP protocol log.
    ///
    /// Done on bytes, a `#` at a time: splitting the window as a `String` (a `Character` at a
    /// time) cost 1.8 M instructions per input, and splitting it into lines of bytes still 70,000
    /// (docs/performance.md).
    static func check(_ chunk: UnsafeRawBufferPointer) throws {
        var head = UnsafeRawBufferPointer(rebasing: chunk.prefix(window))
        guard startsWithHeader(head) else {
            throw InputFailure.notProtocolLog("not an Exchange log (no #Software/#Fields header at the start)")
        }
        if head.starts(with: byteOrderMark) { head = UnsafeRawBufferPointer(rebasing: head.dropFirst(3)) }
        let n = head.count
        var at = 0
        // Every line that starts with `#` (at the start, or after a CR or LF).
        while let hash = head.firstIndex(of: 0x23, in: at..<n) {
            at = hash + 1
            guard hash == 0 || head[hash - 1] == 0x0A || head[hash - 1] == 0x0D else { continue }
            let rest = UnsafeRawBufferPointer(rebasing: head[hash...])
            guard rest.starts(with: "#Log-type:".utf8) else { continue }
            let end = rest.firstIndex { $0 == 0x0A || $0 == 0x0D } ?? rest.count
            let line = UnsafeRawBufferPointer(rebasing: rest[..<end])
            // The header's own reading of the line decides (one rule for what a protocol log is).
            var header = LogHeader()
            header.apply(line: line)
            if header.logType == nil {
                let text = String(decoding: line, as: UTF8.self)
                throw InputFailure.notProtocolLog(
                    "not an SMTP protocol log (\(text.trimmingCharacters(in: .whitespaces)))")
            }
        }
    }
}
