import Foundation
public import OSSLWatchCore

/// The downstream release a run produces: the patch bump of the project's current version,
/// read from the project's own file (pyproject.toml) so no one has to type it.
///
/// Release numbers here are strictly digits separated by dots; anything else (a `rc1`
/// suffix, spaces, shell text) is refused, because the value becomes an environment
/// variable and a branch or tag name downstream.
public enum NextRelease {
    /// Version files are small; anything bigger is not one.
    static let maxFileBytes = 1 << 20

    /// `46.0.1` -> `46.0.2`; `1.2` -> `1.3`. The last component is incremented.
    public static func patchBump(of current: String) throws(StepError) -> String {
        let valid = try validate(current)
        var parts = valid.split(separator: ".").map(String.init)
        guard let last = parts.last, let number = Int(last), number < Int.max else {
            throw StepError(.invalidInput, "release \(current.debugDescription) cannot be bumped")
        }
        parts[parts.count - 1] = String(number + 1)
        return parts.joined(separator: ".")
    }

    /// Reads the project's current release from `path` with `pattern`, a Swift regex whose
    /// named group `version` captures it (`^version = "(?<version>[^"]+)"$` for
    /// pyproject.toml). `^` and `$` match at line ends. Every match must agree.
    public static func readCurrent(path: String, pattern: String) throws(StepError) -> String {
        let regex: Regex<AnyRegexOutput>
        do {
            regex = try Regex(pattern).anchorsMatchLineEndings()
        } catch {
            throw StepError(.badPattern, "version pattern \(pattern) does not compile: \(error)")
        }
        guard regex.contains(captureNamed: "version") else {
            throw StepError(.badPattern, "version pattern \(pattern) has no named group (?<version>...)")
        }
        let text = try PipelineFiles.readText(path, kind: "version file", maxBytes: maxFileBytes)
        let found = text.matches(of: regex).compactMap { $0.output["version"]?.substring.map(String.init) }
        guard let first = found.first else {
            throw StepError(.badPattern, "version file \(path): pattern \(pattern) matches nothing")
        }
        guard found.allSatisfy({ $0 == first }) else {
            throw StepError(.badPattern, "version file \(path): pattern \(pattern) matches different versions")
        }
        do {
            return try validate(first)
        } catch {
            throw StepError(.invalidInput, "version file \(path): \(error.message)")
        }
    }

    /// Reads the current release and returns its patch bump.
    public static func next(path: String, pattern: String) throws(StepError) -> String {
        try patchBump(of: readCurrent(path: path, pattern: pattern))
    }

    /// Returns `text` if it is digits separated by single dots (at most 8 parts), else throws.
    public static func validate(_ text: String) throws(StepError) -> String {
        let parts = text.split(separator: ".", omittingEmptySubsequences: false)
        let ok =
            (1...8).contains(parts.count)
            && parts.allSatisfy { part in
                (1...9).contains(part.utf8.count) && part.utf8.allSatisfy(RunFacts.isDigit)
            }
        guard ok else {
            throw StepError(.invalidInput, "release \(text.debugDescription) is not digits separated by dots")
        }
        return text
    }
}
