import Foundation

/// The `STATUS=` line `systemctl status` shows: per project what it links and what it should
/// move to, then the feeds' health.
enum DaemonStatus {
    /// e.g. "cryptography: linked 3.5.3, upstream 3.5.4 (patch-update); 5 feeds ok".
    static func line(projects: [CheckReport.ProjectReport], feeds: [FeedSettings], states: [FeedState]) -> String {
        var parts = projects.map(projectPart)
        parts.append(feedPart(feeds: feeds, states: states))
        return parts.joined(separator: "; ")
    }

    static func projectPart(_ project: CheckReport.ProjectReport) -> String {
        guard let verdict = project.verdict else {
            return "\(project.name): linked version unreadable"
        }
        var text = "\(project.name): linked \(verdict.linked)"
        if let target = verdict.target { text += ", upstream \(target)" }
        return text + " (\(verdict.kind.rawValue))"
    }

    static func feedPart(feeds: [FeedSettings], states: [FeedState]) -> String {
        let byName = Dictionary(states.map { ($0.name, $0) }) { first, _ in first }
        let failing = feeds.filter { byName[$0.name]?.isFailing ?? false }.map(\.name)
        let unpolled = feeds.filter { byName[$0.name]?.lastAttempt == nil }.count
        let ok = feeds.count - failing.count - unpolled
        var text = ok == feeds.count ? "\(ok) feeds ok" : "\(ok) of \(feeds.count) feeds ok"
        if !failing.isEmpty { text += " (failing: \(failing.joined(separator: ", ")))" }
        if unpolled > 0 { text += " (\(unpolled) not polled yet)" }
        return text
    }
}
