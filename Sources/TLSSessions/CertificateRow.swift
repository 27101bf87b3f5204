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
        let tokens = text.split(separator: 0x20).map { Array($0) }
        guard let thumbIndex = tokens.firstIndex(where: isThumbprint), thumbIndex >= 2 else {
            return (ByteString(trimmed(text)), nil)
        }
        let names = tokens[0..<(thumbIndex - 1)]
        let issuerStart = names.indices.last { $0 > names.startIndex && names[$0].starts(with: Array("CN=".utf8)) }
        let subjectTokens = names[names.startIndex..<(issuerStart ?? names.endIndex)]
        let subject = Array(subjectTokens.joined(separator: [0x20]))
        return (ByteString(subject), ByteString(tokens[thumbIndex]))
    }

    static func isThumbprint(_ token: [UInt8]) -> Bool {
        token.count == 40 && token.allSatisfy { ($0 >= 0x30 && $0 <= 0x39) || ($0 | 0x20 >= 0x61 && $0 | 0x20 <= 0x66) }
    }

    static func trimmed(_ b: [UInt8]) -> [UInt8] {
        Array(b.drop { $0 == 0x20 }.reversed().drop { $0 == 0x20 }.reversed())
    }
}
