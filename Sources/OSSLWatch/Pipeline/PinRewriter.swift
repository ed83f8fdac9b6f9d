import Foundation
public import OSSLWatchCore

/// The byte-exact part of update-pin: replaces only the text the `version` and `sha256`
/// named groups capture and leaves every other byte of the pin file as it was, so the
/// build flags and comments next to the pin never change by accident.
public struct PinRewriter: Sendable {
    /// A Swift regex with a named group `version` (and optionally `sha256`); `^`/`$` match at line ends.
    public var versionPattern: String
    /// A Swift regex with a named group `sha256`; `nil` when `versionPattern` captures it.
    public var sha256Pattern: String?

    public init(versionPattern: String, sha256Pattern: String? = nil) {
        self.versionPattern = versionPattern
        self.sha256Pattern = sha256Pattern
    }

    /// Returns `text` with every captured version replaced by `target` in the form it had
    /// (`openssl-3.5.4` for a tag, `3.5.4` for a bare version) and every captured digest by
    /// `sha256` (upper-case if the old one was). `file` only names the file in errors.
    public func rewrite(_ text: String, target: OpenSSLVersion, sha256: String, file: String) throws(StepError)
        -> String
    {
        guard RunFacts.isSHA256(sha256) else {
            throw StepError(.invalidInput, "SHA-256 \(sha256.debugDescription) is not 64 hex digits")
        }
        let versionRegex = try Self.compile(versionPattern, group: "version", file: file)
        let digestSource = sha256Pattern ?? versionPattern
        let digestRegex = try Self.compile(digestSource, group: "sha256", file: file)
        var replacements: [(range: Range<String.Index>, text: String)] = []
        for match in text.matches(of: versionRegex) {
            guard let capture = match.output["version"], let range = capture.range, let old = capture.substring
            else { continue }
            let captured = String(old)
            if OpenSSLVersion.parse(bare: captured) != nil {
                replacements.append((range, target.description))
            } else if OpenSSLVersion.parse(tag: captured) != nil {
                replacements.append((range, target.tag))
            } else {
                throw StepError(
                    .badPattern,
                    "pin file \(file): pattern \(versionPattern) captured \(captured.debugDescription), not an OpenSSL version"
                )
            }
        }
        guard !replacements.isEmpty else {
            throw StepError(.badPattern, "pin file \(file): pattern \(versionPattern) matches nothing")
        }
        var digests = 0
        for match in text.matches(of: digestRegex) {
            guard let capture = match.output["sha256"], let range = capture.range, let old = capture.substring
            else { continue }
            guard RunFacts.isSHA256(old) else {
                throw StepError(
                    .badPattern,
                    "pin file \(file): pattern \(digestSource) captured \(String(old).debugDescription), not 64 hex digits"
                )
            }
            let upper = old.contains { $0.isUppercase }
            replacements.append((range, upper ? sha256.uppercased() : sha256.lowercased()))
            digests += 1
        }
        guard digests > 0 else {
            throw StepError(.badPattern, "pin file \(file): sha256 pattern \(digestSource) matches nothing")
        }
        replacements.sort { $0.range.lowerBound < $1.range.lowerBound }
        var result = ""
        var cursor = text.startIndex
        for replacement in replacements {
            guard replacement.range.lowerBound >= cursor else {
                throw StepError(.badPattern, "pin file \(file): the version and sha256 captures overlap")
            }
            result += text[cursor..<replacement.range.lowerBound]
            result += replacement.text
            cursor = replacement.range.upperBound
        }
        result += text[cursor...]
        return result
    }

    private static func compile(_ pattern: String, group: String, file: String) throws(StepError)
        -> Regex<AnyRegexOutput>
    {
        let regex: Regex<AnyRegexOutput>
        do {
            regex = try Regex(pattern).anchorsMatchLineEndings()
        } catch {
            throw StepError(.badPattern, "pin file \(file): pattern \(pattern) does not compile: \(error)")
        }
        guard regex.contains(captureNamed: group) else {
            throw StepError(.badPattern, "pin file \(file): pattern \(pattern) has no named group (?<\(group)>...)")
        }
        return regex
    }
}
