import Foundation
import OSSLWatchTestSupport
import Testing

@testable import OSSLWatch

/// update-pin runs nothing of the checkout's own (hooks, fsmonitor, filters) and starts every
/// bump from the configured base, never from what is checked out.
extension PipelinePinUpdaterTests {
    /// Plants every kind of checkout code git could run on update-pin's commands; each writes
    /// into `markers` when run.
    func plantCheckoutCode(markers: URL) throws {
        try FileManager.default.createDirectory(at: markers, withIntermediateDirectories: true)
        let hooks = repository.appendingPathComponent(".git/hooks")
        for hook in [
            "pre-commit", "post-commit", "post-checkout", "reference-transaction", "pre-auto-gc", "post-index-change",
        ] {
            let path = hooks.appendingPathComponent(hook)
            try Data("#!/bin/sh\ntouch '\(markers.path)/hook-\(hook)'\n".utf8).write(to: path)
            try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: path.path)
        }
        let fsmonitor = directory.appendingPathComponent("fsmonitor.sh")
        try Data("#!/bin/sh\ntouch '\(markers.path)/fsmonitor'\nexit 1\n".utf8).write(to: fsmonitor)
        try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: fsmonitor.path)
        try git(["config", "core.fsmonitor", fsmonitor.path])
        try git(["config", "filter.mark.clean", "sh -c 'touch \(markers.path)/clean; cat'"])
        try git(["config", "filter.mark.smudge", "sh -c 'touch \(markers.path)/smudge; cat'"])
        try git(["config", "filter.mark.required", "true"])
        try git(["config", "filter.proc.process", "sh -c 'touch \(markers.path)/process; exit 1'"])
    }

    @Test("no hook, fsmonitor or attributes filter of the checkout runs, and the bump is still committed")
    func checkoutCodeNeverRuns() async throws {
        defer { ScratchDirectory.remove(directory) }
        try Data("*.sh filter=mark\nREADME.md filter=proc\n".utf8).write(
            to: repository.appendingPathComponent(".gitattributes"))
        try git(["add", ".gitattributes"])
        try git(["-c", "user.name=M", "-c", "user.email=m@example.org", "commit", "--quiet", "-m", "attributes"])
        let markers = directory.appendingPathComponent("markers")
        try plantCheckoutCode(markers: markers)
        let update = try await updater().update(facts())
        #expect(update.created)
        #expect(try git(["symbolic-ref", "--short", "HEAD"]) == "\(update.branch)\n")
        #expect(try FileManager.default.contentsOfDirectory(atPath: markers.path).sorted() == [])
    }

    @Test("a second bump starts from main, not from the previous unmerged bump branch that is checked out")
    func secondBumpFromBase() async throws {
        defer { ScratchDirectory.remove(directory) }
        let main = try git(["rev-parse", "main"]).trimmingCharacters(in: .whitespacesAndNewlines)
        let first = try await updater().update(facts())
        #expect(try git(["symbolic-ref", "--short", "HEAD"]) == "\(first.branch)\n")
        let second = try await updater().update(
            PipelineScratch.facts(previous: "3.5.3", target: "3.5.5", sha256: Self.digest))
        #expect(second.branch == "osslwatch/openssl-3.5.5")
        let parent = try git(["rev-parse", "\(second.commit)^"]).trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(parent == main)
        #expect(parent != first.commit)
    }
}

extension PipelinePinUpdaterTests {
    @Test("when main tracks a remote, the bump starts from the remote's main after a fetch")
    func baseFetchedFromRemote() async throws {
        defer { ScratchDirectory.remove(directory) }
        let upstream = directory.appendingPathComponent("upstream.git").path
        let other = directory.appendingPathComponent("other").path
        try git(["clone", "--quiet", "--bare", repository.path, upstream])
        try git(["remote", "add", "origin", upstream])
        try git(["fetch", "--quiet", "origin"])
        try git(["branch", "--quiet", "--set-upstream-to=origin/main", "main"])
        try git(["clone", "--quiet", upstream, other])
        try git([
            "-C", other, "-c", "user.name=M", "-c", "user.email=m@example.org", "commit", "--quiet", "--allow-empty",
            "-m", "upstream moved",
        ])
        try git(["-C", other, "push", "--quiet", "origin", "HEAD:main"])
        let moved = try git(["-C", other, "rev-parse", "HEAD"]).trimmingCharacters(in: .whitespacesAndNewlines)
        let update = try await updater().update(facts())
        let parent = try git(["rev-parse", "\(update.commit)^"]).trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(parent == moved)
    }
}
