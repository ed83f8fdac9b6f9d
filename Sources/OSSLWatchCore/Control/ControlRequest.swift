public import Foundation

/// A manual request from `osslwatch trigger`, kept in the store until the daemon handles it.
///
/// The store is the mailbox: the CLI records the request and then signals the daemon, so a
/// request made while the daemon is down is not lost but handled at its next start.
public struct ControlRequest: Sendable, Hashable, Codable {
    /// What the operator asked for.
    public enum Kind: String, Sendable, Codable {
        /// Poll every feed now.
        case poll
        /// Force a run for (project, version), whatever the verdict says.
        case run
    }

    public var id: Int64
    public var kind: Kind
    /// The project a run is for; nil for a poll of everything.
    public var project: String?
    /// The version a run is for, parsed strictly before it was stored.
    public var version: OpenSSLVersion?
    public var createdAt: Date
    /// When the daemon acted on it; nil while pending.
    public var handledAt: Date?
    /// What the daemon did about it, one line for `status`.
    public var note: String?

    public init(
        id: Int64, kind: Kind, project: String?, version: OpenSSLVersion?, createdAt: Date, handledAt: Date? = nil,
        note: String? = nil
    ) {
        self.id = id
        self.kind = kind
        self.project = project
        self.version = version
        self.createdAt = createdAt
        self.handledAt = handledAt
        self.note = note
    }

    /// True until the daemon marks it handled.
    public var isPending: Bool { handledAt == nil }
}
