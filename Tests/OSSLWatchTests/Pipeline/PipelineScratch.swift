import Foundation

@testable import OSSLWatch
@testable import OSSLWatchCore

/// Small helpers for the pipeline unit tests (their folders come from `ScratchDirectory`).
enum PipelineScratch {
    struct Failure: Error, CustomStringConvertible {
        var description: String
    }

    static func read(_ path: String?) throws -> String {
        guard let path else { throw Failure(description: "no path") }
        return try String(contentsOfFile: path, encoding: .utf8)
    }

    static func version(_ text: String) throws -> OpenSSLVersion {
        guard let version = OpenSSLVersion(text) else { throw Failure(description: "not a version: \(text)") }
        return version
    }

    static func facts(
        previous: String = "3.5.3", target: String = "3.5.4", sha256: String? = nil, nextRelease: String = "46.0.2",
        advisories: [String] = [], isSecurity: Bool = false
    ) throws -> RunFacts {
        try RunFacts(
            runID: 7, project: "cryptography", previous: version(previous), target: version(target), sha256: sha256,
            nextRelease: nextRelease, advisories: advisories, isSecurity: isSecurity)
    }

    /// Whether process `pid` is gone (absent, or a zombie nobody has reaped yet).
    static func isGone(_ pid: Int32) -> Bool {
        guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8) else { return true }
        guard let close = stat.lastIndex(of: ")") else { return true }
        let fields = stat[stat.index(after: close)...].split(separator: " ")
        return fields.first == "Z" || fields.first == "X"
    }

    /// Polls `condition` until it holds or `seconds` pass.
    static func eventually(within seconds: Double, _ condition: () -> Bool) async -> Bool {
        let deadline = ContinuousClock.now + .milliseconds(Int64(seconds * 1000))
        while ContinuousClock.now < deadline {
            if condition() { return true }
            try? await Task.sleep(for: .milliseconds(20))
        }
        return condition()
    }
}
