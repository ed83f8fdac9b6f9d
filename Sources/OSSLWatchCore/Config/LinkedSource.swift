/// Where a project's statically linked OpenSSL version is read from, as its config names it.
///
/// The reader never trusts the source's text: whatever it finds becomes an `OpenSSLVersion`
/// through the strict parser or is refused.
public enum LinkedSource: Sendable, Hashable {
    /// The version, stated in the config itself.
    case literal(OpenSSLVersion)
    /// A pin file (pyca/infra's `openssl-version.sh`) read with a regular expression whose
    /// named group `version` holds the version or tag, and optionally `sha256` the tarball hash.
    case pinFile(path: String, pattern: String, sha256Pattern: String?)
    /// A statically linked program or library carrying the `OpenSSL X.Y.Z DD Mon YYYY` text.
    case binary(path: String)
    /// A Python wheel: its CycloneDX SBOMs and the version text inside its extension modules.
    case wheel(path: String)
}
