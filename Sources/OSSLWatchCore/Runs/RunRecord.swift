public import Foundation

/// One run as the store holds it: a project moving to one target OpenSSL version.
///
/// There is at most one per (project, target): polls that see the same release again find
/// this row instead of starting a second run.
public struct RunRecord: Sendable, Hashable, Codable {
    public var id: Int64
    public var project: String
    /// The OpenSSL version the project linked when the run was created.
    public var previous: OpenSSLVersion
    public var target: OpenSSLVersion
    /// The tarball digest verify-tarball proved; nil until then.
    public var sha256: String?
    /// The downstream release this run produces; nil until it could be read from the version file.
    public var nextRelease: String?
    /// CVE ids of the advisories naming the target.
    public var advisories: [String]
    /// Whether the target fixes vulnerabilities: `when: security` steps run only then.
    public var isSecurity: Bool
    public var state: RunState
    /// Why the run is failed, waiting, needs attention, cancelled or superseded.
    public var reason: String?
    public var createdAt: Date
    public var updatedAt: Date
    /// Created by `osslwatch trigger --version`, not by a verdict.
    public var forced: Bool
    /// The newer run that replaces this one (at once, or at this run's next gate).
    public var supersededBy: Int64?

    public init(
        id: Int64, project: String, previous: OpenSSLVersion, target: OpenSSLVersion, sha256: String? = nil,
        nextRelease: String? = nil, advisories: [String] = [], isSecurity: Bool = false, state: RunState = .active,
        reason: String? = nil, createdAt: Date, updatedAt: Date, forced: Bool = false, supersededBy: Int64? = nil
    ) {
        self.id = id
        self.project = project
        self.previous = previous
        self.target = target
        self.sha256 = sha256
        self.nextRelease = nextRelease
        self.advisories = advisories
        self.isSecurity = isSecurity
        self.state = state
        self.reason = reason
        self.createdAt = createdAt
        self.updatedAt = updatedAt
        self.forced = forced
        self.supersededBy = supersededBy
    }

    /// The run after learning that its target fixes `cves` (the advisory text came after the
    /// release): a security release naming the ones it did not know, in the order given, with
    /// those ids. Nil when none is new or the run is final: the list only grows.
    public func addingAdvisories(_ cves: [String], at now: Date) -> (run: RunRecord, added: [String])? {
        var run = self
        for cve in cves where !run.advisories.contains(cve) { run.advisories.append(cve) }
        guard !state.isFinal, run.advisories.count > advisories.count else { return nil }
        run.isSecurity = true
        run.updatedAt = now
        return (run, Array(run.advisories.dropFirst(advisories.count)))
    }
}
