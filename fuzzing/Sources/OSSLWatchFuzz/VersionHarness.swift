import Foundation
import OSSLWatch
import OSSLWatchCore

/// The OpenSSL version grammar every parser ends in: any accepted form, then the canonical forms back.
enum VersionHarness {
    static let harness = Harness(
        name: "version", summary: "OpenSSLVersion bare/tag/text forms; canonical forms parse back to the same version"
    ) { data in
        let text = String(decoding: data, as: UTF8.self)
        for version in [
            OpenSSLVersion.parse(bare: text), OpenSSLVersion.parse(tag: text), OpenSSLVersion.parse(text: text),
            OpenSSLVersion(text),
        ] {
            if let version { checkRoundTrip(version) }
        }
    }

    /// The forms the store, the branch names and the messages use all read back as `version`.
    static func checkRoundTrip(_ version: OpenSSLVersion) {
        Invariant.require(
            OpenSSLVersion.parse(bare: version.description) == version,
            "\(version) does not read back from its bare form")
        Invariant.require(
            OpenSSLVersion.parse(tag: version.tag) == version, "\(version) does not read back from \(version.tag)")
        let text = "OpenSSL \(version) 30 Sep 2025"
        if text.utf8.count <= 64 {
            Invariant.require(OpenSSLVersion.parse(text: text) == version, "\(version) does not read back from \(text)")
        }
        Invariant.require(!(version < version), "\(version) sorts before itself")
        Invariant.require(!(version.final < version), "\(version) sorts after its final release")
        let stored = try? JSONDecoder().decode([OpenSSLVersion].self, from: JSONEncoder().encode([version]))
        Invariant.require(stored == [version], "\(version) does not survive the store's JSON")
    }
}
