/// Log time: milliseconds since 1970-01-01T00:00:00Z.
public enum Timestamp {
    /// Parses `yyyy-MM-ddTHH:mm:ss[.f...]Z` as Exchange writes it (UTC). Extra fraction digits
    /// beyond milliseconds are ignored; anything else returns `nil`.
    @inline(__always)
    public static func parse(_ f: FieldView) -> Int64? {
        let b = f.bytes
        guard b.count >= 20, let days = date(b), let time = timeOfDay(b) else { return nil }
        return days * 86_400_000 + time
    }

    /// The last date part (`yyyy-MM-dd`) parsed and its day number: consecutive rows of a log
    /// share their date, so the calendar arithmetic runs once per day instead of once per row.
    /// And the last minute (`yyyy-MM-ddTHH:mm`) of Exchange's 24-byte shape: a busy log writes
    /// hundreds of rows a minute, which then only read their seconds and milliseconds.
    public struct DayCache {
        /// The 10 bytes `yyyy-MM-dd`, packed: bytes 0–7 and 8–9.
        @usableFromInline var head: UInt64 = 0
        var tail: UInt64 = 0
        var days: Int64 = 0
        var valid = false
        /// Bytes 8–15 (`ddTHH:mm`) of the last valid 24-byte time, whose bytes 0–7 are `head`,
        /// and the log time of that minute's start.
        @usableFromInline var minuteWord: UInt64 = 0
        @usableFromInline var minuteStart: Int64 = 0
        @usableFromInline var minuteValid = false
        /// Bytes 16–19 (`:ss.`) of the last valid 24-byte time of that minute (0: none — no valid
        /// time has four zero bytes there, but a malformed field may, so a match on 0 is no match)
        /// and the log time of that second's start.
        @usableFromInline var secondWord: UInt32 = 0
        @usableFromInline var secondStart: Int64 = 0
        public init() {}
    }

    /// ``parse(_:)`` with the date part remembered in `cache` (the same results).
    @inlinable @inline(__always)
    public static func parse(_ f: FieldView, cache: inout DayCache) -> Int64? {
        let b = f.bytes
        // Nearly every row: Exchange's 24 bytes in the minute parsed last. Small enough to inline
        // into the scanner's loop; everything else takes the call below.
        if b.count == 24, b.loadUnaligned(fromByteOffset: 0, as: UInt64.self) == cache.head,
            b.loadUnaligned(fromByteOffset: 8, as: UInt64.self) == cache.minuteWord
        {
            // A busy log writes several rows a second: then only `fffZ` is read. A second word is
            // set only with its minute and day, and zeroed whenever they change or a time fails
            // (a valid one is never 0: it starts with ':'), so a nonzero match needs no flag.
            let second = b.loadUnaligned(fromByteOffset: 16, as: UInt32.self)
            if second == cache.secondWord, second != 0,
                let ms = milliseconds(b.loadUnaligned(fromByteOffset: 20, as: UInt32.self))
            {
                return cache.secondStart &+ ms
            }
            if cache.minuteValid, let rest = secondsAndMilliseconds(b.loadUnaligned(fromByteOffset: 16, as: UInt64.self)) {
                cache.secondWord = second
                cache.secondStart = cache.minuteStart + rest - rest % 1000
                return cache.minuteStart + rest
            }
        }
        return parseNewDay(b, cache: &cache)
    }

    /// ``parse(_:cache:)`` for a new minute or day, another shape or a bad time.
    @inline(never) @usableFromInline
    static func parseNewDay(_ b: UnsafeRawBufferPointer, cache: inout DayCache) -> Int64? {
        cache.secondWord = 0
        guard b.count >= 20 else { return nil }
        let head = b.loadUnaligned(fromByteOffset: 0, as: UInt64.self)
        let tail = UInt64(b.loadUnaligned(fromByteOffset: 8, as: UInt16.self))
        if !cache.valid || head != cache.head || tail != cache.tail {
            guard let days = date(b) else { return nil }
            cache.head = head
            cache.tail = tail
            cache.days = days
            cache.valid = true
            cache.minuteValid = false
        }
        guard b.count == 24 else {
            guard let time = timeOfDay(b) else { return nil }
            return cache.days * 86_400_000 + time
        }
        guard let time = timeOfDayWithMilliseconds(b),
            let rest = secondsAndMilliseconds(b.loadUnaligned(fromByteOffset: 16, as: UInt64.self))
        else { return nil }
        let t = cache.days * 86_400_000 + time
        cache.minuteWord = b.loadUnaligned(fromByteOffset: 8, as: UInt64.self)
        cache.minuteStart = t - rest
        cache.minuteValid = true
        cache.secondWord = b.loadUnaligned(fromByteOffset: 16, as: UInt32.self)
        cache.secondStart = t - rest % 1000
        return t
    }

    /// `fffZ` (bytes 20–23 of Exchange's shape, loaded little-endian) as milliseconds: three
    /// digits (high nibble 3, and adding 6 leaves it 3) and a `Z`.
    @inlinable @inline(__always)
    static func milliseconds(_ word: UInt32) -> Int64? {
        let w = UInt32(littleEndian: word)
        guard w & 0xFF00_0000 == 0x5A00_0000, w & 0x00F0_F0F0 == 0x0030_3030,
            (w &+ 0x0006_0606) & 0x00F0_F0F0 == 0x0030_3030
        else { return nil }
        let d = w & 0x000F_0F0F
        return Int64(d & 0xFF) * 100 + Int64(d >> 8 & 0xFF) * 10 + Int64(d >> 16 & 0xFF)
    }

    /// `:ss.fffZ` (bytes 16–23 of Exchange's shape, loaded little-endian) as milliseconds into
    /// the minute: the checks of ``timeOfDayWithMilliseconds(_:)`` on that word alone.
    @inlinable @inline(__always)
    static func secondsAndMilliseconds(_ word: UInt64) -> Int64? {
        let ones: UInt64 = 0x0101_0101_0101_0101
        let high = ones &* 0x80
        let tail = UInt64(littleEndian: word)
        // ':' at byte 0, '.' at 3, 'Z' at 7; digits at 1, 2, 4, 5, 6 ('0' stands in elsewhere).
        let separators: UInt64 = 0xFF00_0000_FF00_00FF
        guard tail & separators == 0x5A00_0000_2E00_003A else { return nil }
        let digits: UInt64 = 0x00FF_FFFF_00FF_FF00
        let t = tail & digits | ones &* 0x30 & ~digits
        guard t & high == 0, (t &+ ones &* 0x46) & high == 0, (t &+ ones &* 0x50) & high == high else { return nil }
        let d = t &- ones &* 0x30
        @inline(__always) func byte(_ i: UInt64) -> Int64 { Int64(truncatingIfNeeded: d >> (8 * i) & 0xFF) }
        let second = byte(1) * 10 + byte(2)
        guard second < 61 else { return nil }
        return second * 1000 + byte(4) * 100 + byte(5) * 10 + byte(6)
    }

    /// ``timeOfDay(_:)`` for the shape Exchange writes, `THH:mm:ss.fffZ` from byte 10 of a
    /// 24-byte field: the same checks on two 8-byte words (bytes 8–15 and 16–23), no branch
    /// per byte.
    @inline(__always)
    static func timeOfDayWithMilliseconds(_ b: UnsafeRawBufferPointer) -> Int64? {
        let ones: UInt64 = 0x0101_0101_0101_0101
        let high = ones &* 0x80
        let mid = UInt64(littleEndian: b.loadUnaligned(fromByteOffset: 8, as: UInt64.self))
        let tail = UInt64(littleEndian: b.loadUnaligned(fromByteOffset: 16, as: UInt64.self))
        // Separators: 'T' at 10 and ':' at 13 (bytes 2 and 5 of mid); ':' at 16, '.' at 19 and
        // 'Z' at 23 (bytes 0, 3 and 7 of tail).
        let midSeparators: UInt64 = 0x0000_FF00_00FF_0000
        let tailSeparators: UInt64 = 0xFF00_0000_FF00_00FF
        guard mid & midSeparators == 0x0000_3A00_0054_0000, tail & tailSeparators == 0x5A00_0000_2E00_003A else {
            return nil
        }
        // Digits: bytes 3, 4, 6, 7 of mid; 1, 2, 4, 5, 6 of tail. Elsewhere '0' stands in, so that
        // every byte of the two words must be a digit.
        let midDigits: UInt64 = 0xFFFF_00FF_FF00_0000
        let tailDigits: UInt64 = 0x00FF_FFFF_00FF_FF00
        let m = mid & midDigits | ones &* 0x30 & ~midDigits
        let t = tail & tailDigits | ones &* 0x30 & ~tailDigits
        // A byte below 0x80 is a digit when adding 0x46 leaves its top bit clear (< 0x3A) and
        // adding 0x50 sets it (>= 0x30); no sum carries into the next byte.
        let below = (m | t) & high
        let tooHigh = ((m &+ ones &* 0x46) | (t &+ ones &* 0x46)) & high
        let atLeast = (m &+ ones &* 0x50) & (t &+ ones &* 0x50) & high
        guard below == 0, tooHigh == 0, atLeast == high else { return nil }
        let dm = m &- ones &* 0x30
        let dt = t &- ones &* 0x30
        @inline(__always) func byte(_ w: UInt64, _ i: UInt64) -> Int64 { Int64(truncatingIfNeeded: w >> (8 * i) & 0xFF) }
        let hour = byte(dm, 3) * 10 + byte(dm, 4)
        let minute = byte(dm, 6) * 10 + byte(dm, 7)
        let second = byte(dt, 1) * 10 + byte(dt, 2)
        guard hour < 24, minute < 60, second < 61 else { return nil }
        return ((hour * 60 + minute) * 60 + second) * 1000 + byte(dt, 4) * 100 + byte(dt, 5) * 10 + byte(dt, 6)
    }

    @inline(__always)
    static func digit(_ b: UnsafeRawBufferPointer, _ i: Int) -> Int64? {
        let d = b[i] &- 0x30
        return d < 10 ? Int64(d) : nil
    }

    @inline(__always)
    static func two(_ b: UnsafeRawBufferPointer, _ i: Int) -> Int64? {
        guard let a = digit(b, i), let c = digit(b, i + 1) else { return nil }
        return a * 10 + c
    }

    /// Days since the epoch of `yyyy-MM-dd` in bytes 0–9 (at least 20 bytes given).
    @inline(__always)
    static func date(_ b: UnsafeRawBufferPointer) -> Int64? {
        guard b[4] == 0x2D, b[7] == 0x2D, let y1 = two(b, 0), let y2 = two(b, 2), let month = two(b, 5),
            let day = two(b, 8), (1...12).contains(month), (1...31).contains(day)
        else { return nil }
        return daysFromCivil(year: y1 * 100 + y2, month: month, day: day)
    }

    /// Milliseconds into the day of `THH:mm:ss[.f...]Z` from byte 10 to the end.
    @inline(__always)
    static func timeOfDay(_ b: UnsafeRawBufferPointer) -> Int64? {
        guard b[10] == 0x54, b[13] == 0x3A, b[16] == 0x3A, let hour = two(b, 11), let minute = two(b, 14),
            let second = two(b, 17), hour < 24, minute < 60, second < 61
        else { return nil }
        var i = 19
        var millis: Int64 = 0
        if b[i] == 0x2E {  // '.'
            i += 1
            var digits = 0
            while i < b.count, let d = digit(b, i) {
                if digits < 3 { millis = millis * 10 + d }
                digits += 1
                i += 1
            }
            guard digits > 0 else { return nil }
            while digits < 3 { millis *= 10; digits += 1 }
        }
        guard i == b.count - 1, b[i] == 0x5A else { return nil }  // 'Z'
        return ((hour * 60 + minute) * 60 + second) * 1000 + millis
    }

    /// Days since 1970-01-01 for a proleptic Gregorian date (Howard Hinnant's algorithm).
    public static func daysFromCivil(year: Int64, month: Int64, day: Int64) -> Int64 {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let mp = (month + 9) % 12
        let doy = (153 * mp + 2) / 5 + day - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146_097 + doe - 719_468
    }

    /// The civil date of a day number (inverse of ``daysFromCivil(year:month:day:)``).
    public static func civil(fromDays z0: Int64) -> (year: Int64, month: Int64, day: Int64) {
        let z = z0 + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let d = doy - (153 * mp + 2) / 5 + 1
        let m = mp < 10 ? mp + 3 : mp - 9
        return (yoe + era * 400 + (m <= 2 ? 1 : 0), m, d)
    }

    /// The UTC day of a log time as `YYYY-MM-DD`.
    public static func day(_ millis: Int64) -> String {
        var out: [UInt8] = []
        out.reserveCapacity(10)
        UTCDay(millis: millis).appendText(to: &out)
        return String(decoding: out, as: UTF8.self)
    }

    /// A log time as ISO-8601 UTC with milliseconds: `2023-01-11T16:00:01.010Z`. Written as
    /// bytes (string interpolation of padded numbers cost 7,500 instructions a time, and reports
    /// print two per row).
    public static func iso(_ millis: Int64) -> String {
        let day = UTCDay(millis: millis)
        let rest = millis - day.number * 86_400_000
        var out: [UInt8] = []
        out.reserveCapacity(24)
        day.appendText(to: &out)
        out.append(0x54)  // T
        UTCDay.appendDigits(rest / 3_600_000, 2, &out)
        out.append(0x3A)
        UTCDay.appendDigits(rest / 60_000 % 60, 2, &out)
        out.append(0x3A)
        UTCDay.appendDigits(rest / 1000 % 60, 2, &out)
        out.append(0x2E)
        UTCDay.appendDigits(rest % 1000, 3, &out)
        out.append(0x5A)  // Z
        return String(decoding: out, as: UTF8.self)
    }

    /// Parses `YYYY-MM-DD` to the log time of its midnight, UTC.
    public static func parseDay(_ text: String) -> Int64? { UTCDay(text)?.startMillis }
}
