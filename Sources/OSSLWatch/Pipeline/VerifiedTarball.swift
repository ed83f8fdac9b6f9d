/// What verify-tarball proved: the digest later steps write into the pin, and where the
/// checked files lie, so a human can re-check them by hand.
public struct VerifiedTarball: Sendable, Hashable, Codable {
    /// SHA-256 of the tarball, lower-case hex; equal to the published `.sha256`.
    public var sha256: String
    public var tarballPath: String
    public var signaturePath: String
    /// The fingerprint gpgv reported for the signing key (upper-case hex, no spaces).
    public var signerFingerprint: String

    public init(sha256: String, tarballPath: String, signaturePath: String, signerFingerprint: String) {
        self.sha256 = sha256
        self.tarballPath = tarballPath
        self.signaturePath = signaturePath
        self.signerFingerprint = signerFingerprint
    }
}
