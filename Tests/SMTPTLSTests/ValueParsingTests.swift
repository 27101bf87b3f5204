import Foundation
import LogGenerator
@testable import LogScanner
@testable import TLSSessions
import Testing

@Suite("Endpoints and timestamps")
struct ValueParsingTests {
    static func field(_ s: String, _ body: (FieldView) -> Void) {
        var bytes = Array(s.utf8)
        bytes.withUnsafeMutableBytes { body(FieldView(bytes: UnsafeRawBufferPointer($0), isQuoted: false)) }
    }

    @Test("endpoints: address without port or brackets, never split on the first colon", arguments: [
        ("10.0.0.5:25", "10.0.0.5"), ("[2001:db8::1]:25", "2001:db8::1"), ("[2001:DB8:0:0::1]:587", "2001:db8::1"),
        ("[fe80::1%eth0]:25", "fe80::1"), ("2001:db8::7", "2001:db8::7"), ("192.0.2.1", "192.0.2.1"),
        ("", ""), ("not-an-address:25", "not-an-address"), ("999.1.1.1:25", "999.1.1.1"),
        ("x.x.x.x:25", "x.x.x.x"), ("10.**.**.168:25", "10.**.**.168"), ("[masked]:25", "masked"), ("host:port", "host:port"),
    ])
    func endpoint(_ input: String, _ expected: String) {
        Self.field(input) { #expect(RemoteAddress.parse(endpoint: $0).description == expected) }
    }

    @Test("the IPv4 shortcut reads every endpoint as the general path does: random addresses, ports and near misses")
    func ipv4Shortcut() {
        var random = SystemRandomNumberGenerator()
        let pieces = ["0", "7", "25", "255", "256", "999", "1000", "01", "", ".", ":", "x", "[", "]", "::1", "-", " "]
        var shortcut = 0
        for _ in 0..<20_000 {
            var text: String
            if Bool.random(using: &random) {
                let octets = (0..<4).map { _ in String(Int.random(in: 0...270, using: &random)) }
                text = octets.joined(separator: ".") + ":" + String(Int.random(in: 0...120_000, using: &random))
            } else {
                text = (0..<Int.random(in: 1...9, using: &random)).map { _ in pieces.randomElement(using: &random)! }.joined()
            }
            Self.field(text) { f in
                let general = RemoteAddress.parse(endpointBytes: f.bytes)
                #expect(RemoteAddress.parse(endpoint: f) == general, "\(text)")
                if RemoteAddress.ipv4WithPort(f.bytes) != nil { shortcut += 1 }
            }
        }
        #expect(shortcut > 4_000)
    }

    @Test("IPv6 hex groups read in one pass give what inet_pton gives, and leave every other text to it")
    func ipv6Shortcut() {
        var random = SystemRandomNumberGenerator()
        let pieces = ["0", "1", "db8", "2001", "ffff", "FfFf", "12345", ":", "::", ":::", ".", "1.2.3.4", "%eth0", "g", ""]
        var shortcut = 0
        for _ in 0..<30_000 {
            var text: String
            if Bool.random(using: &random) {
                // Eight groups of random width, a run of them maybe compressed to `::`.
                var groups = (0..<8).map { _ in
                    String(String(UInt16.random(in: 0...UInt16.max, using: &random), radix: 16).suffix(Int.random(in: 1...4, using: &random)))
                }
                if Bool.random(using: &random) {
                    let from = Int.random(in: 0...7, using: &random)
                    let to = Int.random(in: from...8, using: &random)
                    groups.replaceSubrange(from..<to, with: [""])
                    if from == 0 { groups.insert("", at: 0) }
                    if to == 8 { groups.append("") }
                }
                text = groups.joined(separator: ":")
                if Int.random(in: 0..<4, using: &random) == 0 { text = text.uppercased() }
            } else {
                text = (0..<Int.random(in: 1...10, using: &random)).map { _ in pieces.randomElement(using: &random)! }.joined()
            }
            Self.field(text) { f in
                let pton = RemoteAddress.ptonIPv6(f.bytes)
                if let fast = RemoteAddress.ipv6HexGroups(f.bytes) {
                    shortcut += 1
                    #expect(fast == pton, "\(text)")
                }
                #expect(RemoteAddress.parseIPv6(f.bytes) == pton, "\(text)")
            }
        }
        #expect(shortcut > 10_000)
    }

    @Test("timestamps parse to epoch milliseconds; anything else is rejected", arguments: [
        ("2024-03-01T10:00:01.123Z", Int64(1_709_287_201_123)), ("1970-01-01T00:00:00.000Z", 0),
        ("2023-01-11T16:00:04.1134567Z", 1_673_452_804_113), ("2024-02-29T23:59:59Z", 1_709_251_199_000),
    ])
    func timestamps(_ text: String, _ millis: Int64) {
        Self.field(text) { #expect(Timestamp.parse($0) == millis) }
        #expect(Timestamp.iso(millis).hasPrefix(String(text.prefix(19))))
    }

    @Test("malformed timestamps", arguments: ["2024-13-01T10:00:00.000Z", "2024-03-01 10:00:00.000Z", "2024-03-01T10:00:00.000", "garbage", "2024-03-01T10:00:00.Z"])
    func badTimestamps(_ text: String) {
        Self.field(text) { #expect(Timestamp.parse($0) == nil) }
    }

    @Test("the day cache gives each time what parsing it alone gives: a malformed time after a good one, four zero bytes where the seconds go, a new minute and day")
    func dayCache() {
        var cache = Timestamp.DayCache()
        let rows: [[UInt8]] = [
            Array("2024-03-01T10:00:05.123Z".utf8), Array("2024-03-01T10:00:05.456Z".utf8),
            Array("2024-03-01T10:00:xx.000Z".utf8),  // fails: the cache's second word is cleared
            Array("2024-03-01T10:00".utf8) + [0, 0, 0, 0] + Array("789Z".utf8),  // must not match the cleared word
            Array("2024-03-01T10:00:06.001Z".utf8), Array("2024-03-01T10:01:00.000Z".utf8),
            Array("2024-03-02T00:00:00.000Z".utf8), Array("2024-03-02T00:00".utf8) + [0, 0, 0, 0] + Array("000Z".utf8),
        ]
        for row in rows {
            var cached: Int64?, alone: Int64?
            var bytes = row
            bytes.withUnsafeMutableBytes { raw in
                let f = FieldView(bytes: UnsafeRawBufferPointer(raw), isQuoted: false)
                cached = Timestamp.parse(f, cache: &cache)
                alone = Timestamp.parse(f)
            }
            #expect(cached == alone, "\(row)")
        }
    }

    @Test("days round-trip")
    func days() {
        #expect(Timestamp.day(1_709_287_201_123) == "2024-03-01")
        #expect(Timestamp.parseDay("2024-03-01") == 1_709_251_200_000)
        #expect(Timestamp.iso(1_709_287_201_123) == "2024-03-01T10:00:01.123Z")
    }

    @Test("ISO times agree with Foundation's formatter from 1970 to 2100, and parse back")
    func isoAgainstFoundation() {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime]
        formatter.timeZone = TimeZone(identifier: "UTC")
        var random = SystemRandomNumberGenerator()
        for _ in 0..<2_000 {
            let millis = Int64.random(in: 0..<4_102_444_800_000, using: &random)
            let text = Timestamp.iso(millis)
            // Whole seconds from Foundation (its fractions go through a Double), milliseconds by hand.
            let seconds = formatter.string(from: Date(timeIntervalSince1970: Double(millis / 1000)))
            #expect(text == seconds.dropLast() + "." + String(1000 + millis % 1000).dropFirst() + "Z", "\(millis)")
            #expect(Timestamp.day(millis) == String(text.prefix(10)))
            Self.field(text) { #expect(Timestamp.parse($0) == millis, "\(text)") }
        }
    }
}

@Suite("Timestamps with the per-day cache")
struct TimestampCacheTests {
    @Test("the cached parse gives what the plain one gives, across days and for bad times", arguments: [
        ["2024-03-01T10:00:01.123Z", "2024-03-01T23:59:59.9Z", "2024-03-02T00:00:00Z", "2024-03-02T00:00:00.000Z"],
        ["2024-03-01T10:00:01.123Z", "2024-03-01T25:00:00.000Z", "2024-03-01T10:61:00.000Z", "2024-03-01T10:00:00.000"],
        ["2024-02-29T12:00:00.000Z", "2024-13-01T12:00:00.000Z", "2024-02-29T12:00:00.5Z", "1969-12-31T23:59:59.999Z"],
        // The same second of another minute, hour or day; bad milliseconds in the second just read.
        ["2024-03-01T10:00:01.123Z", "2024-03-01T10:00:01.456Z", "2024-03-01T10:01:01.789Z", "2024-03-01T10:01:01.790Z",
         "2024-03-01T11:01:01.001Z",
         "2024-03-02T11:01:01.002Z", "2024-03-02T11:01:01.0:2Z", "2024-03-02T11:01:01.00/Z", "2024-03-02T11:01:01.002z",
         "2024-03-02T11:01:01.999Z"],
    ])
    func sameAsPlain(_ texts: [String]) {
        var cache = Timestamp.DayCache()
        for text in texts {
            ValueParsingTests.field(text) { f in
                #expect(Timestamp.parse(f, cache: &cache) == Timestamp.parse(f), "\(text)")
            }
        }
    }

    @Test("session ids: sixteen hex digits checked and converted as one vector give what a digit-by-digit parse gives")
    func sessionIDsAsOneVector() {
        var random = SeededRandom(seed: 11)
        let alphabet = Array("0123456789ABCDEFabcdef".utf8) + Array("gG/:@`xX \u{7F}".utf8) + [0x80, 0xC3, 0x00]
        var accepted = 0
        for round in 0..<20_000 {
            var bytes = (0..<16).map { _ in random.pick(Array("0123456789ABCDEFabcdef".utf8)) }
            // Most rounds change a byte or two to anything at all.
            if round % 4 != 0 {
                for _ in 0...Int(random.next() % 2) { bytes[Int(random.next() % 16)] = random.pick(alphabet) }
            }
            var expected: UInt64? = 0
            for c in bytes {
                let d: UInt8? = switch c {
                case 0x30...0x39: c - 0x30
                case 0x41...0x46: c - 0x41 + 10
                case 0x61...0x66: c - 0x61 + 10
                default: nil
                }
                expected = d.flatMap { d in expected.map { $0 << 4 | UInt64(d) } }
            }
            bytes.withUnsafeBytes { raw in
                let parsed = SessionTracker.parseHex16(raw)
                #expect(parsed == expected, "\(bytes)")
                if parsed != nil { accepted += 1 }
            }
        }
        #expect(accepted > 5000, "valid ids as well as invalid ones")
    }

    @Test("byte equality, inline up to 64 bytes and by memcmp beyond, matches a byte-by-byte compare at every length and difference")
    func memoryEqualsByWords() {
        var random = SeededRandom(seed: 29)
        // Unaligned starts, every length to past the word path's end, one byte changed anywhere.
        let storage = (0..<200).map { _ in UInt8(truncatingIfNeeded: random.next()) }
        var equal = 0
        for n in 0...80 {
            for _ in 0..<40 {
                let offset = Int(random.next() % 16)
                var other = Array(storage[offset..<(offset + n)])
                let change = n > 0 && random.next() % 2 == 0 ? Int(random.next() % UInt64(n)) : -1
                if change >= 0 { other[change] ^= UInt8(1 << (random.next() % 8)) }
                let expected = storage[offset..<(offset + n)].elementsEqual(other)
                storage.withUnsafeBytes { a in
                    other.withUnsafeBytes { b in
                        #expect(memoryEquals(a.baseAddress! + offset, b.baseAddress ?? a.baseAddress!, n) == expected, "length \(n), byte \(change)")
                    }
                }
                if expected { equal += 1 }
            }
        }
        #expect(equal > 1000 && equal < 81 * 40, "equal and unequal cases both")
    }

    @Test("case-insensitive prefixes, a word at a time, match a byte-by-byte compare")
    func prefixIgnoringCaseWordAtATime() {
        var random = SeededRandom(seed: 23)
        // The letters' neighbours ('@' '[' '`' '{') and bytes whose low seven bits are letters.
        let alphabet = Array("mailfromMAILFROM:@[`{ xX-".utf8) + [0xC1, 0xCD, 0xE1, 0xED, 0x80, 0x00]
        func reference(_ bytes: [UInt8], _ prefix: String) -> Bool {
            let p = Array(prefix.utf8)
            guard bytes.count >= p.count else { return false }
            return zip(bytes, p).allSatisfy { b, c in (b >= 0x41 && b <= 0x5A ? b | 0x20 : b) == c }
        }
        var matched = 0
        for round in 0..<20_000 {
            var bytes = Array((round % 2 == 0 ? "MAIL FROM:<a@b>" : "x-AnonymousTLS").utf8)
            for _ in 0..<Int(random.next() % 3) { bytes[Int(random.next() % UInt64(bytes.count))] = random.pick(alphabet) }
            if round % 7 == 0 { bytes.removeLast(Int(random.next() % UInt64(bytes.count))) }
            bytes.withUnsafeBytes { raw in
                let f = FieldView(bytes: raw, isQuoted: false)
                let text = "\(bytes)"
                #expect(f.hasPrefixIgnoringCase("mail from:") == reference(bytes, "mail from:"), "\(text)")
                #expect(f.hasPrefixIgnoringCase("x-anonymoustls") == reference(bytes, "x-anonymoustls"), "\(text)")
                #expect(f.hasPrefixIgnoringCase("ehlo ") == reference(bytes, "ehlo "), "\(text)")
                if f.hasPrefixIgnoringCase("mail from:") || f.hasPrefixIgnoringCase("x-anonymoustls") { matched += 1 }
            }
        }
        #expect(matched > 3000, "matches as well as mismatches")
    }

    @Test("MAIL FROM: the fast path's domain (found with memchr) is the general path's whenever it answers")
    func senderDomainFastPath() {
        var random = SeededRandom(seed: 17)
        let alphabet = Array("ab.<>@ Zx-".utf8)
        var answered = 0
        for round in 0..<20_000 {
            var bytes = Array("MAIL FROM:<alice@contoso.example> SIZE=1".utf8)
            if round % 5 != 0 {
                for _ in 0...Int(random.next() % 4) { bytes[10 + Int(random.next() % UInt64(bytes.count - 10))] = random.pick(alphabet) }
            }
            bytes.withUnsafeBytes { raw in
                guard let fast = SessionTracker.plainDomain(raw, skip: 10) else { return }
                answered += 1
                let general = SessionTracker.domain(of: SessionTracker.token(raw, skip: 10))
                #expect(Array(fast) == general.bytes, "\(String(decoding: bytes, as: UTF8.self))")
            }
        }
        #expect(answered > 5000)
    }

    @Test("the 24-byte fast path accepts and rejects exactly what the general parse does")
    func fastPathSameAsGeneral() {
        var random = SeededRandom(seed: 3)
        let alphabet = Array("0123456789:.TZ-x/9 ".utf8)
        var cache = Timestamp.DayCache()
        var accepted = 0
        for _ in 0..<20_000 {
            var bytes = Array("2024-03-01T10:00:01.123Z".utf8)
            // One to three bytes changed anywhere in the time of day (and sometimes the date).
            for _ in 0...Int(random.next() % 3) {
                let at = random.chance(0.9) ? 10 + Int(random.next() % 14) : Int(random.next() % 10)
                bytes[at] = random.pick(alphabet)
            }
            let text = String(decoding: bytes, as: UTF8.self)
            bytes.withUnsafeMutableBytes { raw in
                let f = FieldView(bytes: UnsafeRawBufferPointer(raw), isQuoted: false)
                let cached = Timestamp.parse(f, cache: &cache)
                #expect(cached == Timestamp.parse(f), "\(text)")
                if cached != nil { accepted += 1 }
            }
        }
        #expect(accepted > 1000, "the mutations leave many valid times as well as invalid ones")
    }
}
