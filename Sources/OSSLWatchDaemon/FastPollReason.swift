import Foundation
import OSSLWatchCore

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
