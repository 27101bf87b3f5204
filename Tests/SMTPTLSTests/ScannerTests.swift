import CByteSearch
import LogGenerator
import LogScanner
import Testing
import TestSupport

@Suite("Record scanner: the format's rows and quirks")
struct ScannerTests {
    @Test("a record's nine fields come out as logged, with timestamp and log type")
    func basicRecord() {
        var log = LogText()
        log.header()
        log.row(at: "2024-03-01T10:00:01.123Z", "<", "EHLO mail.example.org")
        let (sink, stats) = RecordingSink.scan(log.bytes())
        #expect(sink.rows.count == 1)
        #expect(stats.records == 1 && stats.headerLines == 5 && stats.malformedRows == 0)
        let row = sink.rows[0]
        #expect(row.text(1) == "EX01\\Default Frontend EX01")
        #expect(row.text(2) == "08DC3A0000000001")
        #expect(row.text(6) == "<")
        #expect(row.text(7) == "EHLO mail.example.org")
        #expect(row.logType == .receive)
        #expect(row.timestamp == 1_709_287_201_123)
        #expect(row.line == 6)
    }

    @Test("LF-only files read the same as CRLF files")
    func lfAndCrlf() {
        var log = LogText()
        log.header()
        log.row("<", "EHLO a")
        log.row(">", "250 OK")
        let crlf = RecordingSink.scan(log.bytes()).0
        log.lineEnd = [0x0A]
        let lf = RecordingSink.scan(log.bytes()).0
        #expect(crlf.rows.map(\.fields) == lf.rows.map(\.fields))
        #expect(lf.rows.count == 2)
        #expect(lf.rows[1].text(8) == "", "no CR left in the last field")
    }

    @Test("a byte-order mark is ignored at the start of the file and of a mid-file header")
    func byteOrderMark() {
        var log = LogText()
        log.header(bom: true)
        log.row("<", "EHLO a")
        log.header(bom: true)
        log.row(">", "250 OK")
        let (sink, stats) = RecordingSink.scan(log.bytes())
        #expect(sink.rows.count == 2)
        #expect(stats.headerLines == 10)
        #expect(stats.malformedRows == 0)
    }

    @Test("a header block mid-file can change the column order and the log type")
    func headerMidFile() throws {
        var log = LogText()
        log.header()
        log.row("<", "EHLO a")
        log.header("SMTP Send Protocol Log", fields: "connector-id,date-time,session-id,sequence-number,local-endpoint,remote-endpoint,event,data,context")
        log.raw("Outbound,2024-03-01T11:00:00.000Z,08DC3A0000000009,0,,203.0.113.9:25,>,EHLO us,")
        let (sink, _) = RecordingSink.scan(log.bytes())
        #expect(sink.malformed.isEmpty, "\(sink.malformed)")
        try #require(sink.rows.count == 2)
        #expect(sink.rows[1].logType == .send)
        #expect(sink.rows[1].text(0) == "Outbound")
        #expect(sink.rows[1].timestamp == 1_709_290_800_000)
    }

    @Test("quoted fields keep commas and doubled quotes, in any column")
    func quotedFields() {
        var log = LogText()
        log.header()
        log.row(connector: "\"EX01\\Inbound, partners\"", "<", "\"EHLO odd\"\"name.example\"", "\"a, b\"")
        let (sink, stats) = RecordingSink.scan(log.bytes())
        #expect(stats.malformedRows == 0)
        #expect(sink.rows[0].text(1) == "EX01\\Inbound, partners")
        #expect(sink.rows[0].text(7) == "EHLO odd\"name.example")
        #expect(sink.rows[0].text(8) == "a, b")
    }

    @Test("an unterminated quote makes that row malformed and leaves the next row intact")
    func unterminatedQuote() {
        var log = LogText()
        log.header()
        log.row("*", "", "\"TLS protocol never closed, here")
        log.row("<", "EHLO next")
        let (sink, stats) = RecordingSink.scan(log.bytes())
        #expect(stats.malformedRows == 1)
        #expect(sink.malformed[0].reason == .unterminatedQuote)
        #expect(sink.malformed[0].line == 6)
        #expect(sink.rows.count == 1)
        #expect(sink.rows[0].text(7) == "EHLO next")
    }

    @Test("bytes that are not UTF-8 pass through unchanged")
    func eightBitBytes() {
        var log = LogText()
        log.header()
        log.raw(bytes: Array("2024-03-01T10:00:01.000Z,EX01\\Default,08DC3A0000000001,0,10.0.0.5:25,1.2.3.4:5,<,EHLO h".utf8) + [0xE9, 0xFF] + Array("lo,".utf8))
        let (sink, _) = RecordingSink.scan(log.bytes())
        #expect(sink.rows[0].fields[7] == Array("EHLO h".utf8) + [0xE9, 0xFF] + Array("lo".utf8))
    }

    @Test("IPv6 endpoints and an empty local endpoint are ordinary fields")
    func endpoints() {
        var log = LogText()
        log.header("SMTP Send Protocol Log")
        log.row(local: "", remote: "[2001:db8::1]:25", "+")
        let (sink, _) = RecordingSink.scan(log.bytes())
        #expect(sink.rows[0].text(4) == "")
        #expect(sink.rows[0].text(5) == "[2001:db8::1]:25")
    }

    @Test("a last line without a line feed is neither a record nor malformed")
    func halfWrittenLastLine() {
        var log = LogText()
        log.header()
        log.row("<", "EHLO a")
        let partial = "2024-03-01T10:00:02.000Z,EX01\\Default Fron"
        log.raw(partial)
        let bytes = log.bytes(terminated: false)
        let (sink, stats) = RecordingSink.scan(bytes)
        #expect(sink.rows.count == 1)
        #expect(stats.malformedRows == 0)
        #expect(stats.incompleteTailBytes == partial.utf8.count)
        #expect(stats.consumedBytes == UInt64(bytes.count - partial.utf8.count))
    }

    @Test("rows with too few fields, binary garbage and bad timestamps are malformed, with line numbers")
    func malformedRows() {
        var log = LogText()
        log.header()
        log.raw("2024-03-01T10:00:01.000Z,EX01\\Default,08DC3A0000000001,3")
        log.raw(bytes: [0x01, 0x00, 0xFE, 0x2C, 0x22, 0x22, 0x7F])
        log.row(at: "2024-13-45T99:00:00.000Z", "<", "NOOP")
        log.row("<", "EHLO fine")
        let (sink, stats) = RecordingSink.scan(log.bytes())
        #expect(stats.malformedRows == 3)
        #expect(sink.malformed.map(\.line) == [6, 7, 8])
        #expect(sink.malformed[0].reason == .fieldCount(expected: 9, found: 4))
        #expect(sink.malformed[2].reason == .badTimestamp)
        #expect(sink.rows.count == 1)
    }

    @Test("rows before any header, or under another log type, are malformed with the reason")
    func rowsWithoutProtocolHeader() {
        var log = LogText()
        log.row("<", "EHLO early")
        log.header("Message Tracking Log")
        log.row("<", "EHLO tracking")
        let (sink, _) = RecordingSink.scan(log.bytes())
        #expect(sink.rows.isEmpty)
        #expect(sink.malformed.count == 2)
        #expect("\(sink.malformed[1].reason)".contains("not an SMTP protocol log"))
    }

    @Test("an over-long line is reported once and never buffered whole, across chunks too")
    func overLongLine() {
        var log = LogText()
        log.header()
        log.raw(String(repeating: "x", count: 3 << 20))
        log.row("<", "EHLO after")
        for chunks in [[Int](), [4096], [1 << 20]] {
            let (sink, stats) = RecordingSink.scan(log.bytes(), chunks: chunks)
            #expect(stats.malformedRows == 1)
            if case .lineTooLong = sink.malformed.first?.reason {} else { Issue.record("expected lineTooLong, got \(sink.malformed)") }
            #expect(sink.rows.count == 1)
            #expect(sink.rows.first?.text(7) == "EHLO after")
        }
    }

    @Test("the fingerprint covers the header and first record, and ignores what follows")
    func fingerprint() {
        var log = LogText()
        log.header()
        log.row("<", "EHLO a")
        let first = RecordingSink.scan(log.bytes()).0.fingerprint
        log.row(">", "250 more lines later")
        let grown = RecordingSink.scan(log.bytes()).0.fingerprint
        var other = LogText()
        other.header()
        other.row("<", "EHLO b")
        #expect(first != nil)
        #expect(first == grown)
        #expect(RecordingSink.scan(other.bytes()).0.fingerprint != first)
    }

    /// The line kernels this processor runs (the baseline at least), and the one it chooses.
    static var kernels: [(UnsafePointer<UInt8>?, Int, UnsafeMutablePointer<smtptls_line_fields>?, Int, UnsafeMutablePointer<Int>?) -> Int] {
        [smtptls_split_lines]
            + [SMTPTLS_KERNEL_BASELINE, SMTPTLS_KERNEL_AVX2, SMTPTLS_KERNEL_AVX512].filter { smtptls_kernel_available($0) != 0 }
            .map { kernel in { smtptls_split_lines_with(kernel, $0, $1, $2, $3, $4) } }
    }

    @Test("the C line kernel finds the LFs and field ends a byte-by-byte reading finds, in any bytes and batch size")
    func lineKernel() {
        var random = SeededRandom(seed: 5)
        let alphabet: [UInt8] = [0x2C, 0x22, 0x0A, 0x0D, 0x41, 0x20, 0x00, 0xFF, 0x7C]
        struct Line: Equatable {
            var newline: Int
            var ends: [Int]
            var count: Int
            var quoted: UInt32
            var openQuote: Bool
        }
        var lines = 0
        for round in 0..<4000 {
            // Lengths around the kernel's 64-byte blocks; quotes are rare in some rounds (its
            // quote-free fast path), frequent in others, absent in a third kind with dense commas
            // (more than eight, sixteen or twenty-four to a block and to a line).
            // A fourth kind writes fields the way Exchange quotes them ("a, b" and doubled quotes
            // inside), balanced on most lines: quotes open across the kernel's blocks, closed at
            // each LF, with now and then a line whose quote stays open.
            let length = Int(random.next() % 600)
            let structural = [0.08, 0.3, 0.4, 0.1][round % 4]
            let symbols: [UInt8] = round % 4 == 2 ? [0x2C, 0x2C, 0x2C, 0x2C, 0x0A, 0x0D] : alphabet
            var bytes: [UInt8] = []
            if round % 4 == 3 {
                while bytes.count < length {
                    let field = (0..<Int(random.next() % 40)).map { _ in
                        random.chance(structural) ? random.pick([0x2C, 0x20, 0x22, 0x22]) : UInt8(0x30 + random.next() % 40)
                    }
                    if random.chance(0.3) {
                        bytes.append(0x22)
                        for c in field { bytes += c == 0x22 ? [0x22, 0x22] : [c] }
                        if !random.chance(0.03) { bytes.append(0x22) }
                    } else {
                        bytes += field.filter { $0 != 0x22 && $0 != 0x2C }
                    }
                    bytes.append(random.chance(0.15) ? 0x0A : 0x2C)
                }
            } else {
                bytes = (0..<length).map { _ in
                    random.chance(structural) ? random.pick(symbols) : UInt8(truncatingIfNeeded: random.next() % 0x7F | 0x30)
                }
            }
            if round % 100 == 98 {
                // Lines with more commas or quotes than the AVX-512 kernel holds for a call
                // (2,048 of each), among short ones.
                bytes = []
                for _ in 0..<3 {
                    bytes += Array(repeating: 0x2C, count: Int(random.next() % 6000)) + [0x41, 0x0A]
                    bytes += Array("a,\"b,c\"\n".utf8)
                    bytes += Array(repeating: 0x22, count: Int(random.next() % 6000)) + [0x2C, 0x0A]
                }
            }
            // The reference: one byte at a time, every complete line.
            var expected: [Line] = []
            var ends: [Int] = []
            var quoted: UInt32 = 0
            var inQuote = false
            var start = 0
            for (i, c) in bytes.enumerated() {
                if c == 0x22 {
                    inQuote.toggle()
                    if ends.count < 32 { quoted |= 1 << UInt32(ends.count) }
                } else if c == 0x2C, !inQuote {
                    ends.append(i - start)
                } else if c == 0x0A {
                    ends.append(i - start)
                    expected.append(Line(newline: i - start, ends: Array(ends.prefix(16)), count: ends.count, quoted: quoted, openQuote: inQuote))
                    (ends, quoted, inQuote, start) = ([], 0, false, i + 1)
                }
            }
            // The kernel, a few lines per call, from where the last call stopped: the one the
            // processor gets and each one it can run (the baseline at least).
            let batchSize = 1 + Int(random.next() % 6)
            for kernel in Self.kernels {
                var found: [Line] = []
                var offset = 0
                var batch = [smtptls_line_fields](repeating: smtptls_line_fields(), count: batchSize)
                while true {
                    var consumed = 0
                    let k = bytes.withUnsafeBufferPointer { b in
                        batch.withUnsafeMutableBufferPointer {
                            kernel(b.baseAddress.map { $0 + offset }, b.count - offset, $0.baseAddress, $0.count, &consumed)
                        }
                    }
                    for out in batch.prefix(k) {
                        let stored = withUnsafeBytes(of: out.field_end) { Array($0.bindMemory(to: Int32.self)) }
                        let count = Int(out.field_count)
                        found.append(Line(
                            newline: Int(out.newline), ends: stored.prefix(min(count, 16)).map(Int.init), count: count,
                            quoted: out.quoted, openQuote: out.open_quote != 0))
                    }
                    #expect(k == 0 || bytes[offset + consumed - 1] == 0x0A)
                    offset += consumed
                    if k < batch.count { break }
                }
                #expect(found == expected)
                #expect(offset == start, "the kernel stops just after the last LF")
            }
            lines += expected.count
        }
        #expect(lines > 3000)
    }
}
