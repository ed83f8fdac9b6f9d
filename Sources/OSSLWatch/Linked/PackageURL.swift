import Foundation

/// A package URL (`pkg:type/namespace/name@version?qualifiers#subpath`), read just far
/// enough to say which package of which ecosystem an SBOM component is.
///
/// A component's name says nothing on its own: in a cryptography wheel, `openssl` is both
/// the OpenSSL built in (`pkg:generic/openssl@4.1.1`) and the Rust crate wrapping it
/// (`pkg:cargo/openssl@0.10.82`). Only the purl's type and namespace tell them apart.
struct PackageURL: Sendable, Hashable {
    /// The ecosystem (`generic`, `github`, `cargo`, `apk`, ...), lower-cased as the spec requires.
    var type: String
    /// Namespace segments, percent-decoded (`["alpine"]` in `pkg:apk/alpine/openssl`).
    var namespace: [String]
    var name: String
    /// Percent-decoded; `nil` when the purl has no `@version`.
    var version: String?

    /// Parses `text` as the purl specification splits it; `nil` unless it is a `pkg:` URL
    /// with a type and a name.
    init?(_ text: String) {
        var rest = Substring(text)
        if let hash = rest.lastIndex(of: "#") { rest = rest[..<hash] }
        if let question = rest.lastIndex(of: "?") { rest = rest[..<question] }
        guard rest.lowercased().hasPrefix("pkg:") else { return nil }
        rest = rest.dropFirst(4).drop { $0 == "/" }
        while rest.hasSuffix("/") { rest = rest.dropLast() }
        guard let slash = rest.firstIndex(of: "/") else { return nil }
        let type = rest[..<slash].lowercased()
        rest = rest[rest.index(after: slash)...]
        var version: String?
        if let at = rest.lastIndex(of: "@") {
            guard let decoded = String(rest[rest.index(after: at)...]).removingPercentEncoding, !decoded.isEmpty
            else { return nil }
            version = decoded
            rest = rest[..<at]
        }
        var segments = rest.split(separator: "/", omittingEmptySubsequences: true).map(String.init)
        guard !type.isEmpty, type.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || ".+-".contains($0)) }),
            let last = segments.popLast(), let name = last.removingPercentEncoding, !name.isEmpty
        else { return nil }
        var namespace: [String] = []
        for segment in segments {
            guard let decoded = segment.removingPercentEncoding else { return nil }
            namespace.append(decoded)
        }
        self.type = type
        self.namespace = namespace
        self.name = name
        self.version = version
    }

    /// Whether this purl names upstream OpenSSL, the project at openssl.org: the source
    /// tarball (`pkg:generic/openssl`, as pyca's `sbom.json` writes it, or with the
    /// `openssl` namespace) or its GitHub repository (`pkg:github/openssl/openssl`).
    ///
    /// Packages of other ecosystems never are, whatever their name: a crate, a PyPI or npm
    /// package named openssl is a binding, and a distribution's package (`apk`, `deb`,
    /// `rpm`, `conan`, ...) carries its packager's version and patches, not a release
    /// osslwatch can compare with the feeds.
    var isUpstreamOpenSSL: Bool {
        let name = name.lowercased()
        let namespace = namespace.map { $0.lowercased() }
        switch type {
        case "generic": return name == "openssl" && (namespace.isEmpty || namespace == ["openssl"])
        case "github": return name == "openssl" && namespace == ["openssl"]
        default: return false
        }
    }
}
