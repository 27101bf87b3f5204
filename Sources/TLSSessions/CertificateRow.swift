import LogScanner

/// The one-row certificate form of newer builds:
/// `*, CN=subj CN=issuer SERIAL THUMBPRINT notBefore notAfter san1;san2,Sending certificate Subject ...`.
///
/// The values are space-separated although a subject may itself contain spaces, so the parse
/// anchors on the thumbprint (the first 40-hex-digit token): the token before it is the serial,
/// and the tokens before that are subject and issuer, split where the issuer's `CN=` starts.
/// Inferred from published excerpts; when no thumbprint is found, the whole value is the subject.
enum CertificateRow {
    static func parse(_ f: FieldView) -> (subject: ByteString, thumbprint: ByteString?) {
        let text = f.unescaped().bytes
        // Token boundaries in one pass, no per-token arrays.
        var starts: [Int] = []
        var ends: [Int] = []
        starts.reserveCapacity(16)
        ends.reserveCapacity(16)
        var i = 0
        let n = text.count
        while i < n {
            while i < n && text[i] == 0x20 { i += 1 }
            guard i < n else { break }
            let start = i
            while i < n && text[i] != 0x20 { i += 1 }
            starts.append(start)
            ends.append(i)
        }
        var thumbIndex = -1
        for t in starts.indices where t >= 2 && isThumbprint(text, starts[t], ends[t]) {
            thumbIndex = t
            break
        }
        guard thumbIndex >= 2 else {
            return (ByteString(trimmed(text)), nil)
        }
        // Names are the tokens before the serial; the issuer starts at the last `CN=` after the first.
        let namesEnd = thumbIndex - 1
        var issuerStart = namesEnd
        var t = namesEnd - 1
        while t > 0 {
            if isCN(text, starts[t]) {
                issuerStart = t
                break
            }
            t -= 1
        }
        let subject = Array(text[starts[0]..<ends[issuerStart - 1]])
        return (ByteString(subject), ByteString(Array(text[starts[thumbIndex]..<ends[thumbIndex]])))
    }

    static func isCN(_ b: [UInt8], _ at: Int) -> Bool {
        at + 3 <= b.count && b[at] == 0x43 && b[at + 1] == 0x4E && b[at + 2] == 0x3D  // "CN="
    }

    static func isThumbprint(_ b: [UInt8], _ start: Int, _ end: Int) -> Bool {
        guard end - start == 40 else { return false }
        for i in start..<end {
            let c = b[i]
            guard (c >= 0x30 && c <= 0x39) || (c | 0x20 >= 0x61 && c | 0x20 <= 0x66) else { return false }
        }
        return true
    }

    static func trimmed(_ b: [UInt8]) -> [UInt8] {
        var start = 0
        var end = b.count
        while start < end && b[start] == 0x20 { start += 1 }
        while end > start && b[end - 1] == 0x20 { end -= 1 }
        return Array(b[start..<end])
    }
}
