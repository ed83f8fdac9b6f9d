/// gpgv's `--status-fd` lines, read for what they say about the signature. The status
/// protocol is gpg's stable machine interface; its human messages are not.
struct GPGStatus {
    /// A GOODSIG line was seen.
    var goodSignature = false
    /// The signing key's fingerprint from VALIDSIG.
    var validFingerprint: String?
    /// The primary key's fingerprint from VALIDSIG (differs when a subkey signed).
    var primaryFingerprint: String?
    /// Why the signature is not acceptable, when a status line says so.
    var failure: String?

    init(_ text: String) {
        for line in text.split(separator: "\n") {
            let fields = line.split(separator: " ").map(String.init)
            guard fields.count >= 2, fields[0] == "[GNUPG:]" else { continue }
            let keyword = fields[1]
            let argument = fields.count > 2 ? fields[2] : "?"
            switch keyword {
            case "GOODSIG": goodSignature = true
            case "VALIDSIG":
                validFingerprint = fields.count > 2 ? Self.normalize(fields[2]) : nil
                primaryFingerprint = fields.count > 11 ? Self.normalize(fields[11]) : validFingerprint
            case "BADSIG":
                failure = failure ?? "BAD signature by key \(argument): the file or the signature was altered"
            case "NO_PUBKEY":
                failure = "signed by key \(argument), which is not in the keyring"
            case "ERRSIG":
                failure = failure ?? "gpgv could not check the signature by key \(argument)"
            case "EXPKEYSIG": failure = failure ?? "signed by key \(argument), which has expired"
            case "REVKEYSIG": failure = failure ?? "signed by key \(argument), which is revoked"
            case "EXPSIG": failure = failure ?? "the signature has expired"
            case "NODATA": failure = failure ?? "the .asc file holds no OpenPGP signature"
            default: break
            }
        }
    }

    /// Upper-case hex without spaces, the form gpg prints in status lines.
    static func normalize(_ fingerprint: String) -> String {
        fingerprint.filter { !$0.isWhitespace }.uppercased()
    }
}
