import LogScanner

/// What `--redact` keeps of personal values: the organisation, not the person.
public enum Redaction {
    /// `alice@contoso.com` → `@contoso.com`; `CONTOSO\\alice` → `CONTOSO\\`; anything else → `(redacted)`.
    public static func userDomain(_ user: ByteString) -> ByteString {
        let b = user.bytes
        if let at = b.lastIndex(of: UInt8(ascii: "@")) { return ByteString(Array(b[at...])).asciiLowercased }
        if let slash = b.firstIndex(of: UInt8(ascii: "\\")) { return ByteString(Array(b[...slash])) }
        return ByteString("(redacted)")
    }
}
