import Foundation
public import OSSLWatchCore

/// One thing the maintainers should hear about that does not start a release: a new OpenSSL
/// series, the linked series ending or ended, an urgent advisory, a pre-announced release.
///
/// The key names the fact, not the moment (`notice:cryptography:new-series:3.6`), so a
/// verdict that keeps saying the same thing round after round yields one message.
public struct Notice: Sendable, Hashable {
    public var key: String
    /// Dot-atom text for the Message-ID's left side, unique per key.
    public var idPart: String
    public var project: String
    public var topic: NoticeTopic
    /// The template context; display name and signature are filled in when drafting.
    public var context: AnnouncementContext

    /// The notices a verdict calls for. `advisories` decides which severities are urgent
    /// enough to tell the maintainers at once.
    public static func plan(for verdict: Verdict, advisories: AdvisorySettings) -> [Notice] {
        var notices: [Notice] = []
        let project = verdict.project
        func add(_ topic: NoticeTopic, _ subject: String, _ context: AnnouncementContext) {
            let safe = subject.map { $0.isLetter || $0.isNumber || $0 == "-" ? String($0) : "-" }.joined()
            notices.append(
                Notice(
                    key: "notice:\(project):\(topic.rawValue):\(subject)",
                    idPart: "notice.\(project).\(topic.rawValue).\(safe)", project: project, topic: topic,
                    context: context))
        }
        if verdict.findings.contains(.newSeries),
            let newest = verdict.latestPerSeries.keys.filter({ $0 > verdict.linked.series }).max()
        {
            let context = AnnouncementContext.notice(
                topic: .newSeries, project: project, displayName: project, linked: verdict.linked, series: newest,
                message: verdict.message)
            add(.newSeries, newest.description, context)
        }
        for topic in [NoticeTopic.linkedSeriesEOL, .eolSoon] {
            let kind: VerdictKind = topic == .eolSoon ? .eolSoon : .linkedSeriesEOL
            guard verdict.findings.contains(kind) else { continue }
            var context = AnnouncementContext.notice(
                topic: topic, project: project, displayName: project, linked: verdict.linked,
                series: verdict.linked.series, supportedSeries: verdict.supportedSeries, message: verdict.message)
            context.eolDate = verdict.eol.map { eol in
                eol.day == nil ? String(format: "%04d-%02d", eol.year, eol.month) : AnnouncementContext.day(eol.start)
            }
            add(topic, verdict.linked.series.description, context)
            break
        }
        let advisoryRecords = verdict.vulnerabilities.filter { advisories.notifyAtOnce(for: $0.severity) }
        for vulnerability in advisoryRecords {
            let advisory = Advisory(
                cve: vulnerability.cve, title: vulnerability.title, severity: vulnerability.severity, published: nil,
                fixedIn: vulnerability.fixedBy.map { [$0.series: $0] } ?? [:])
            let context = AnnouncementContext.notice(
                topic: .urgentAdvisory, project: project, displayName: project, linked: verdict.linked,
                series: verdict.linked.series, advisories: [advisory], message: verdict.message)
            add(.urgentAdvisory, vulnerability.cve, context)
        }
        if let expected = verdict.expectedRelease {
            let context = AnnouncementContext.notice(
                topic: .expectedRelease, project: project, displayName: project, linked: verdict.linked,
                series: verdict.linked.series, expected: expected.expected,
                highestSeverity: expected.highestSeverity, message: expected.title)
            add(.expectedRelease, AnnouncementContext.day(expected.expected), context)
        }
        return notices
    }
}

/// What a notice to the maintainers is about; selects the section of `notice.mustache`.
public enum NoticeTopic: String, Sendable, Hashable, Codable, CaseIterable {
    case newSeries = "new-series"
    case eolSoon = "eol-soon"
    case linkedSeriesEOL = "linked-series-eol"
    case urgentAdvisory = "urgent-advisory"
    case expectedRelease = "expected-release"
}

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
