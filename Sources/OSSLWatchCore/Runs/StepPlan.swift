/// What a new run copies of each configured step: enough to drive and recover it.
public struct StepPlan: Sendable, Hashable, Codable {
    public var name: String
    public var kind: StepKind
    public var idempotent: Bool

    public init(name: String, kind: StepKind, idempotent: Bool) {
        self.name = name
        self.kind = kind
        self.idempotent = idempotent
    }
}
