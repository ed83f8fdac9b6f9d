public import Foundation

/// One step of a run as the store holds it. Name, kind and idempotence are copied from the
/// config when the run is created, so a config edit cannot change what a run already decided.
public struct StepRecord: Sendable, Hashable, Codable {
    public var runID: Int64
    /// Position in the checklist, from 0.
    public var index: Int
    public var name: String
    public var kind: StepKind
    public var state: StepState
    /// Whether the step may be re-run after an interruption.
    public var idempotent: Bool
    /// Why it failed, was skipped, needs attention or was done without effect (dry run).
    public var reason: String?
    /// When an approval step was approved.
    public var approvedAt: Date?
    public var updatedAt: Date

    public init(
        runID: Int64, index: Int, name: String, kind: StepKind, state: StepState = .pending, idempotent: Bool,
        reason: String? = nil, approvedAt: Date? = nil, updatedAt: Date
    ) {
        self.runID = runID
        self.index = index
        self.name = name
        self.kind = kind
        self.state = state
        self.idempotent = idempotent
        self.reason = reason
        self.approvedAt = approvedAt
        self.updatedAt = updatedAt
    }
}
