import Foundation
import OSSLWatchCore

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

/// One reason for fast polling and how long it lasts at most.
struct FastPollReason: Sendable, Hashable, CustomStringConvertible {
    enum Cause: Sendable, Hashable {
        /// An advisory of an urgent severity, within its window after publication.
        case urgentAdvisory(cve: String, severity: Severity)
        /// A pre-announced security release whose day has come and that has not been seen.
        case expectedRelease(PreAnnouncement)
    }

    var cause: Cause
    var until: Date

    var description: String {
        switch cause {
        case .urgentAdvisory(let cve, let severity):
            return "\(severity.rawValue) advisory \(cve)"
        case .expectedRelease(let announcement):
            let severity = announcement.highestSeverity.map { ", highest severity \($0.rawValue)" } ?? ""
            return "security release expected on \(VerdictEngine.day(announcement.expected))\(severity)"
        }
    }
}
