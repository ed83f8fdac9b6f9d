import Foundation
import OSSLWatchCore

/// Reads a version pin (and optionally its SHA-256) out of a text file with named-group regexes.
///
/// Patterns are Swift `Regex` syntax with `^`/`$` matching at line ends, so
/// `^export OPENSSL_VERSION="(?<version>[^"]+)"$` reads pyca/infra's pin file.
enum PinFileReader {
    /// Pin files are small shell or TOML snippets; anything bigger is not one.
    static let maxFileBytes = 1 << 20

    static func read(path: String, pattern: String, sha256Pattern: String?) throws(LinkedError) -> LinkedVersion {
        let versionRegex = try compile(pattern, group: "version", path: path)
        let text = try load(path)
        let versionTexts = captures(of: versionRegex, named: "version", in: text)
        guard !versionTexts.isEmpty else {
            throw LinkedError(.noMatch, "pin file \(path): pattern \(pattern) matches nothing")
        }
        var versions: [OpenSSLVersion] = []
        for captured in versionTexts {
            guard let version = OpenSSLVersion.parse(bare: captured) ?? OpenSSLVersion.parse(tag: captured) else {
                throw LinkedError(
                    .notAVersion,
                    "pin file \(path): pattern \(pattern) captured \(captured.debugDescription), not an OpenSSL version"
                )
            }
            if !versions.contains(version) { versions.append(version) }
        }
        guard versions.count == 1, let version = versions.first else {
            let list = versions.map(\.description).joined(separator: ", ")
            throw LinkedError(
                .ambiguous, "pin file \(path): pattern \(pattern) matches different versions (\(list))")
        }
        let sha256 = try readSHA256(text: text, path: path, pattern: pattern, sha256Pattern: sha256Pattern)
        return LinkedVersion(version: version, sha256: sha256, origin: "pin file \(path)")
    }

    /// The hash from `sha256Pattern`, or from `pattern` when it has a `sha256` group; `nil` when neither asks.
    private static func readSHA256(text: String, path: String, pattern: String, sha256Pattern: String?)
        throws(LinkedError) -> String?
    {
        let source: String
        let regex: Regex<AnyRegexOutput>
        if let sha256Pattern {
            source = sha256Pattern
            regex = try compile(sha256Pattern, group: "sha256", path: path)
        } else {
            source = pattern
            regex = try compile(pattern, group: "version", path: path)
            guard regex.contains(captureNamed: "sha256") else { return nil }
        }
        let texts = captures(of: regex, named: "sha256", in: text)
        guard !texts.isEmpty else {
            throw LinkedError(.noMatch, "pin file \(path): sha256 pattern \(source) matches nothing")
        }
        var hashes: [String] = []
        for captured in texts {
            guard RunFacts.isSHA256(captured) else {
                throw LinkedError(
                    .notAVersion,
                    "pin file \(path): sha256 pattern \(source) captured \(captured.debugDescription), not 64 hex digits"
                )
            }
            let hash = captured.lowercased()
            if !hashes.contains(hash) { hashes.append(hash) }
        }
        guard hashes.count == 1 else {
            throw LinkedError(
                .ambiguous, "pin file \(path): sha256 pattern \(source) matches \(hashes.count) different hashes")
        }
        return hashes.first
    }

    static func compile(_ pattern: String, group: String, path: String) throws(LinkedError) -> Regex<AnyRegexOutput> {
        try .pattern(pattern, group: group) {
            LinkedError(.badPattern, (path.isEmpty ? "" : "pin file \(path): ") + $0)
        }
    }

    private static func load(_ path: String) throws(LinkedError) -> String {
        try PipelineFiles.readText(path, kind: "pin file", maxBytes: maxFileBytes, LinkedError.file)
    }

    private static func captures(of regex: Regex<AnyRegexOutput>, named name: String, in text: String) -> [String] {
        text.matches(of: regex).compactMap { match in match.output[name]?.substring.map(String.init) }
    }
}

extension Regex<AnyRegexOutput> {
    /// A pin or version pattern: `^`/`$` match at line ends and the named `group` must exist;
    /// `fail` turns the problem found into the caller's error.
    static func pattern<E: Error>(_ pattern: String, group: String, _ fail: (String) -> E) throws(E) -> Self {
        let regex: Self
        do {
            regex = try Self(pattern).anchorsMatchLineEndings()
        } catch {
            throw fail("pattern \(pattern) does not compile: \(error)")
        }
        guard regex.contains(captureNamed: group) else {
            throw fail("pattern \(pattern) has no named group (?<\(group)>...)")
        }
        return regex
    }
}
