import Foundation
import OSSLWatchCore

/// What the CycloneDX documents of one wheel say about the OpenSSL built into it.
///
/// Every document is read, and a component counts only when its purl names upstream
/// OpenSSL (`PackageURL.isUpstreamOpenSSL`): cryptography's wheels also carry the Rust
/// dependency tree, whose `openssl` is the crate (`pkg:cargo/openssl@0.10.82`), and on
/// musllinux auditwheel's list of system packages (`pkg:apk/...`).
struct SBOMOpenSSLEvidence {
    /// The one OpenSSL the documents agree on.
    struct Statement {
        var version: OpenSSLVersion
        /// The tarball SHA-256 (lower-case hex), when a component records one.
        var sha256: String?
        /// The SBOM members that name it, in archive order.
        var members: [String]
    }

    let wheel: String
    private var found: [(member: String, version: OpenSSLVersion, sha256: String?)] = []
    /// Components named openssl without a purl: what they are cannot be told, so they are
    /// not counted; a no-match error names them so the user sees why.
    private(set) var unidentified: [String] = []

    init(wheel: String) {
        self.wheel = wheel
    }

    /// Reads one SBOM member; a member that is not a JSON document is an error, not skipped,
    /// since it may be the one that names the OpenSSL inside.
    mutating func read(_ data: Data, member: String) throws(LinkedError) {
        let place = "wheel \(wheel) SBOM \(member)"
        let document: CycloneDXDocument
        do {
            document = try JSONDecoder().decode(CycloneDXDocument.self, from: data)
        } catch {
            throw LinkedError(
                .unreadable, "\(place) is not a CycloneDX JSON document (\(Self.reason(error)))")
        }
        for component in document.allComponents {
            guard let purlText = component.purl, let purl = PackageURL(purlText) else {
                if component.name?.lowercased() == "openssl" {
                    let version = component.version.map { " \($0.debugDescription)" } ?? ""
                    unidentified.append("\(member) (\(component.name ?? "")\(version))")
                }
                continue
            }
            guard purl.isUpstreamOpenSSL else { continue }
            let version = try version(of: component, purl: purl, place: place)
            let sha256 = component.hashes?.first { $0.alg.uppercased() == "SHA-256" }?.content.lowercased()
            if let sha256, !RunFacts.isSHA256(sha256) {
                throw LinkedError(.notAVersion, "\(place): OpenSSL's SHA-256 is not 64 hex digits")
            }
            found.append((member, version, sha256))
        }
    }

    /// The OpenSSL all documents name, `nil` when none names one; several versions or
    /// hashes are an error listing each with its member.
    func statement() throws(LinkedError) -> Statement? {
        guard let first = found.first else { return nil }
        guard Set(found.map(\.version)).count == 1 else {
            let list = found.map { "\($0.version) in \($0.member)" }.joined(separator: ", ")
            throw LinkedError(
                .ambiguous, "wheel \(wheel): its SBOMs name several OpenSSL versions (\(list))")
        }
        let hashes = Set(found.compactMap(\.sha256))
        guard hashes.count <= 1 else {
            throw LinkedError(
                .ambiguous,
                "wheel \(wheel): its SBOMs give OpenSSL \(first.version) \(hashes.count) different SHA-256 hashes")
        }
        var members: [String] = []
        for entry in found where !members.contains(entry.member) { members.append(entry.member) }
        return Statement(version: first.version, sha256: hashes.first, members: members)
    }

    /// The component's version, from its `version` field and its purl's `@version` (a bare
    /// version or a tag), which must agree when both are given.
    private func version(of component: CycloneDXDocument.Component, purl: PackageURL, place: String)
        throws(LinkedError) -> OpenSSLVersion
    {
        let parse = { (text: String) in OpenSSLVersion.parse(bare: text) ?? OpenSSLVersion.parse(tag: text) }
        var versions: [OpenSSLVersion] = []
        for text in [component.version, purl.version].compactMap({ $0 }) {
            guard let version = parse(text) else {
                throw LinkedError(
                    .notAVersion, "\(place): OpenSSL version \(text.debugDescription) is not a version")
            }
            if !versions.contains(version) { versions.append(version) }
        }
        switch versions.count {
        case 0:
            throw LinkedError(.notAVersion, "\(place): the OpenSSL component has no version")
        case 1:
            return versions[0]
        default:
            throw LinkedError(
                .ambiguous,
                "\(place): the OpenSSL component says \(versions[0]) in its version but \(versions[1]) in its purl")
        }
    }

    private static func reason(_ error: any Error) -> String {
        if case DecodingError.dataCorrupted(let context) = error { return context.debugDescription }
        if case DecodingError.typeMismatch(_, let context) = error { return context.debugDescription }
        return "\(error)"
    }
}

/// The few fields of a CycloneDX SBOM that say what a component is, its version and hashes.
struct CycloneDXDocument: Decodable {
    struct Hash: Decodable {
        var alg: String
        var content: String
    }

    struct Component: Decodable {
        var name: String?
        var version: String?
        /// The package URL: the only field that says which package of which ecosystem this is.
        var purl: String?
        var hashes: [Hash]?
        var components: [Component]?
    }

    struct Metadata: Decodable {
        /// What the document describes; it may itself be (or contain) a component.
        var component: Component?
    }

    var metadata: Metadata?
    var components: [Component]?

    /// Every component of the document, nested ones and the described one included, in document order.
    var allComponents: [Component] {
        var result: [Component] = []
        var pending = Array(((metadata?.component.map { [$0] } ?? []) + (components ?? [])).reversed())
        while let component = pending.popLast() {
            result.append(component)
            pending.append(contentsOf: (component.components ?? []).reversed())
        }
        return result
    }
}

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
