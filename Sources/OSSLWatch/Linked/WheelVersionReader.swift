import Foundation
import OSSLWatchCore

/// Reads the OpenSSL version inside a Python wheel without unpacking it, from both places
/// a wheel records it: the CycloneDX SBOMs under `*.dist-info/sboms/` (every one of them;
/// only components whose purl names upstream OpenSSL count) and the `OpenSSL X.Y.Z DD Mon
/// YYYY` text in its extension modules (`.so`, `.pyd`, `.dylib`, `.dll`, in any container
/// format: ELF, Mach-O including universal binaries, PE). When both are present they must
/// agree; a disagreement is an error naming both, never a silent pick.
enum WheelVersionReader {
    /// No honest wheel member comes near this; a bigger one is a zip bomb or not a wheel.
    static let maxMemberBytes: UInt64 = 512 << 20
    /// All extension modules together; a wheel past this is not worth scanning further.
    static let maxTotalBytes: UInt64 = 2 << 30
    /// SBOMs are small JSON documents.
    static let maxSBOMBytes: UInt64 = 16 << 20

    static func read(path: String, maxMemberBytes: UInt64 = Self.maxMemberBytes) throws(LinkedError) -> LinkedVersion {
        try LinkedVersionReader.requireRegularFile(path, kind: "wheel")
        let archive = try WheelArchive(path: path)
        let files = archive.members
        var sboms = SBOMOpenSSLEvidence(wheel: path)
        for entry in files where isSBOM(entry.path) {
            var data = Data()
            try archive.stream(entry, limit: maxSBOMBytes) { chunk in data.append(chunk) }
            try sboms.read(data, member: entry.path)
        }
        let statement = try sboms.statement()
        var texts: [(member: String, version: OpenSSLVersion, text: String)] = []
        var scanned: [String] = []
        var total: UInt64 = 0
        for entry in files where isExtensionModule(entry.path) {
            var scanner = VersionTextScanner()
            try archive.stream(entry, limit: maxMemberBytes) { data in scanner.consume(data) }
            scanner.finish()
            texts += scanner.found.map { (entry.path, $0.version, $0.text) }
            scanned.append(entry.path)
            total += entry.uncompressedSize
            guard total <= maxTotalBytes else {
                throw LinkedError(
                    .tooLarge, path: path,
                    "wheel \(path) holds more than \(maxTotalBytes >> 20) MiB of extension modules")
            }
        }
        let text = try moduleText(texts, wheel: path)
        switch (statement, text) {
        case (let statement?, let text?):
            guard statement.version == text.version else {
                throw LinkedError(
                    .disagreement, path: path,
                    "wheel \(path): SBOM \(statement.members.joined(separator: ", ")) names OpenSSL \(statement.version) "
                        + "but \(text.members.joined(separator: ", ")) carries \"\(text.text)\" (\(text.version)); "
                        + "the wheel does not say which OpenSSL it links: rebuild it or fix its SBOM")
            }
            let origin =
                "wheel \(path) (SBOM \(statement.members.joined(separator: ", ")) and \"\(text.text)\" in "
                + "\(text.members.joined(separator: ", ")))"
            return LinkedVersion(version: statement.version, sha256: statement.sha256, origin: origin)
        case (let statement?, nil):
            let origin = "wheel \(path) (SBOM \(statement.members.joined(separator: ", ")))"
            return LinkedVersion(version: statement.version, sha256: statement.sha256, origin: origin)
        case (nil, let text?):
            let origin = "wheel \(path) (\"\(text.text)\" in \(text.members.joined(separator: ", ")))"
            return LinkedVersion(version: text.version, origin: origin)
        case (nil, nil):
            var message =
                "wheel \(path) names no OpenSSL: no SBOM component has an OpenSSL purl (pkg:generic/openssl, "
                + "pkg:github/openssl/openssl) and no extension module "
                + "(\(scanned.isEmpty ? "there are none" : scanned.joined(separator: ", "))) "
                + "contains \"OpenSSL X.Y.Z DD Mon YYYY\" version text"
            if !sboms.unidentified.isEmpty {
                message +=
                    "; components named openssl with no purl were not counted: "
                    + sboms.unidentified.joined(separator: ", ")
            }
            throw LinkedError(.noMatch, path: path, message)
        }
    }

    /// The one version the extension modules carry with the members carrying it; `nil` when
    /// none does. A universal binary holds the text once per architecture: the same version
    /// twice is one; different versions, in one member or several, are ambiguous.
    private static func moduleText(_ texts: [(member: String, version: OpenSSLVersion, text: String)], wheel: String)
        throws(LinkedError) -> (version: OpenSSLVersion, text: String, members: [String])?
    {
        guard let first = texts.first else { return nil }
        guard texts.allSatisfy({ $0.version == first.version }) else {
            let list = texts.map { "\"\($0.text)\" in \($0.member)" }.joined(separator: ", ")
            throw LinkedError(
                .ambiguous, path: wheel,
                "wheel \(wheel): its extension modules carry different OpenSSL versions: \(list)"
            )
        }
        var members: [String] = []
        for entry in texts where !members.contains(entry.member) { members.append(entry.member) }
        return (first.version, first.text, members)
    }

    /// `name-1.0.dist-info/sboms/<any>.json`.
    static func isSBOM(_ member: String) -> Bool {
        let parts = member.split(separator: "/", omittingEmptySubsequences: false)
        return parts.count == 3 && parts[0].hasSuffix(".dist-info") && parts[1] == "sboms"
            && parts[2].hasSuffix(".json")
    }

    /// Native extension modules and the shared libraries bundled next to them: `_rust.abi3.so`
    /// (ELF on Linux, Mach-O on macOS), `_rust.pyd` (Windows), `libcrypto.so.3`, `.dylib`, `.dll`.
    static func isExtensionModule(_ member: String) -> Bool {
        let name = (member.split(separator: "/").last.map(String.init) ?? member).lowercased()
        return [".so", ".pyd", ".dylib", ".dll"].contains { name.hasSuffix($0) } || name.contains(".so.")
    }
}
