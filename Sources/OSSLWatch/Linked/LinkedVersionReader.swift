import Foundation
public import OSSLWatchCore

/// Reads the OpenSSL version a project links from the source its config names.
///
/// Synchronous and bounded: pin files are capped in size, binaries and wheel members are
/// streamed, so a caller can run it off the cooperative pool without surprises.
public enum LinkedVersionReader {
    /// Returns the linked version, or one clear error naming the file (and pattern) at fault.
    public static func read(_ source: LinkedSource) throws(LinkedError) -> LinkedVersion {
        switch source {
        case .literal(let version):
            return LinkedVersion(version: version, origin: "literal \(version)")
        case .pinFile(let path, let pattern, let sha256Pattern):
            return try PinFileReader.read(path: path, pattern: pattern, sha256Pattern: sha256Pattern)
        case .binary(let path):
            return try BinaryVersionReader.read(path: path)
        case .wheel(let path):
            return try WheelVersionReader.read(path: path)
        }
    }

    /// Checks a pin-file pattern as the config loader needs: it compiles and has a `version` group.
    public static func validate(pattern: String) throws(LinkedError) {
        _ = try PinFileReader.compile(pattern, group: "version", path: "")
    }

    /// Checks a `sha256` pattern: it compiles and has a `sha256` group.
    public static func validate(sha256Pattern: String) throws(LinkedError) {
        _ = try PinFileReader.compile(sha256Pattern, group: "sha256", path: "")
    }
}

/// The OpenSSL version a project links, with where it was read, so a verdict can say why.
public struct LinkedVersion: Sendable, Hashable, Codable {
    public var version: OpenSSLVersion
    /// The tarball SHA-256 the pin or SBOM records (lower-case hex), when the source has one.
    public var sha256: String?
    /// Human text naming the source, e.g. `pin file /x/openssl-version.sh (version)`.
    public var origin: String
}
