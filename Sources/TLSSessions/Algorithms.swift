/// Names for the Windows `ALG_ID` values Exchange prints when its enum lacks a name.
///
/// Names logged as names are kept exactly as logged (`CALG_ECDHE` and `CALG_ECDH_EPHEM` stay
/// distinct, as different Exchange builds write them); only decimal values are mapped.
public enum Algorithms {
    /// ALG_ID (decimal) to `CALG_*` name.
    public static let byID: [Int: String] = [
        24576: "CALG_NULLCIPHER",
        26113: "CALG_DES",
        26114: "CALG_RC2",
        26115: "CALG_3DES",
        26121: "CALG_3DES_112",
        26126: "CALG_AES_128",
        26127: "CALG_AES_192",
        26128: "CALG_AES_256",
        26129: "CALG_AES",
        26625: "CALG_RC4",
        32771: "CALG_MD5",
        32772: "CALG_SHA1",
        32780: "CALG_SHA_256",
        32781: "CALG_SHA_384",
        32782: "CALG_SHA_512",
        9216: "CALG_RSA_SIGN",
        41984: "CALG_RSA_KEYX",
        43521: "CALG_DH_SF",
        43522: "CALG_DH_EPHEM",
        43525: "CALG_ECDH",
        44550: "CALG_ECDH_EPHEM",
    ]

    /// The name to store for a logged algorithm token: a decimal ALG_ID mapped to its `CALG_*`
    /// name, an unknown number kept as the number, a name kept as logged.
    static func name(forToken token: UnsafeRawBufferPointer) -> String {
        name(forToken: String(decoding: token, as: UTF8.self))
    }

    public static func name(forToken token: String) -> String {
        if let id = Int(token) { return byID[id] ?? token }
        return token
    }
}
