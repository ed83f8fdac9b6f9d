import Foundation
public import OSSLWatchCore

extension Notice {
    /// The maintainers' notice that a run's plain announcement went out (or may have) before
    /// the advisory naming its release was known: osslwatch never sends a second announcement
    /// for a run, so the security fixes must be announced by hand. One per run (its key names
    /// the run), however many CVEs arrive later.
    public static func lateAdvisory(run: RunRecord, advisories: [Advisory], nextRelease: String?) -> Notice {
        let release = nextRelease.map { "release \($0) of \(run.project)" } ?? "the release of \(run.project)"
        let message =
            "Run \(run.id) moved \(run.project) to OpenSSL \(run.target), a security release, but its plain "
            + "announcement was already sent (or may have been) when the advisory above was published. "
            + "Please announce that \(release) fixes these vulnerabilities by hand, including to the security lists."
        let context = AnnouncementContext.notice(
            topic: .urgentAdvisory, project: run.project, displayName: run.project, linked: run.previous,
            series: run.previous.series, advisories: advisories, message: message)
        return Notice(
            key: "notice:\(run.project):late-advisory:run-\(run.id)",
            idPart: "notice.\(run.project).late-advisory.run-\(run.id)", project: run.project, topic: .urgentAdvisory,
            context: context)
    }
}
