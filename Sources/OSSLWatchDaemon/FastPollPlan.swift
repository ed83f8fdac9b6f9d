import Foundation

/// The fast-polling state of the release feeds at one moment.
struct FastPollPlan: Sendable, Hashable {
    /// The urgent interval, in seconds.
    var interval: Double
    /// What makes polling fast now; empty when polling is normal.
    var reasons: [FastPollReason]
    /// The earliest moment a known reason starts (a pre-announced day), if one lies ahead.
    var nextStart: Date?

    var isActive: Bool { !reasons.isEmpty }

    static let normal = FastPollPlan(interval: .infinity, reasons: [], nextStart: nil)
}
