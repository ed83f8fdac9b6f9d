public import OSSLWatchCore

/// Which built artifacts link the target OpenSSL and which do not, so the run can say
/// exactly which wheel or binary to rebuild.
public struct ArtifactReport: Sendable, Hashable, Codable {
    /// One checked artifact.
    public struct Entry: Sendable, Hashable, Codable {
        public enum Kind: String, Sendable, Hashable, Codable {
            case wheel
            case binary
        }

        public var path: String
        public var kind: Kind
        /// The OpenSSL version found in it, when one was found.
        public var found: OpenSSLVersion?
        /// Why it does not count as linking the target; `nil` when it does.
        public var problem: String?

        public init(path: String, kind: Kind, found: OpenSSLVersion?, problem: String?) {
            self.path = path
            self.kind = kind
            self.found = found
            self.problem = problem
        }

        public var linksTarget: Bool { problem == nil }
    }

    public var target: OpenSSLVersion
    /// Every artifact checked, in path order.
    public var entries: [Entry]
    /// Files in a checked directory that are neither wheels nor binaries (an sdist, a README).
    public var skipped: [String]

    public init(target: OpenSSLVersion, entries: [Entry], skipped: [String]) {
        self.target = target
        self.entries = entries
        self.skipped = skipped
    }

    /// The artifacts that do not link the target.
    public var failures: [Entry] { entries.filter { !$0.linksTarget } }
}
