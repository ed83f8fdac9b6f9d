public import Foundation

/// Turns the store's releases and series facts into one verdict per project.
///
/// Pure and deterministic (time comes in as `now`), so the daemon, `check` and the tests
/// all get the same answer from the same facts.
public enum VerdictEngine {
    /// - Parameters:
    ///   - advisories: the known CVEs; they say what the linked version suffers from and what the target fixes.
    ///   - preAnnouncements: announced security releases; the earliest one still awaited for the
    ///     linked series becomes `expectedRelease`.
    ///   - evidence: how recently the release feeds were read; without fresh evidence, no newer
    ///     release known means `unknown`, never `up-to-date`.
    public static func verdict(
        project: String, linked: OpenSSLVersion, releases: [Release], series: [SeriesInfo], policy: VerdictPolicy,
        now: Date, advisories: AdvisoryIndex = AdvisoryIndex([]), preAnnouncements: [PreAnnouncement] = [],
        evidence: ReleaseEvidence
    ) -> Verdict {
        let known = merged(releases)
        let confirmations = known.map { Confirmation($0, policy: policy) }
        let confirmed = confirmations.filter(\.isConfirmed)
        let latest = latestPerSeries(confirmations: confirmed)
        let linkedSeries = linked.series

        let newerInSeries = confirmations.filter {
            $0.version.series == linkedSeries && !$0.version.isPrerelease && $0.version > linked
        }
        let target = newerInSeries.filter(\.isConfirmed).max { $0.version < $1.version }
        let pending = newerInSeries.filter { !$0.isConfirmed && $0.version > (target?.version ?? linked) }
            .max { $0.version < $1.version }

        let vulnerabilities = advisories.vulnerabilities(of: linked)
        let fixed = target.map { advisories.fixed(by: $0.version, since: linked) } ?? []
        let severity = AdvisoryIndex.highestSeverity(fixed)

        var findings: [VerdictKind] = []
        var notes: [String] = []
        if let target {
            findings.append(.patchUpdate)
            notes.append(
                "\(target.version) released (linked \(linked)), confirmed by \(target.summary)"
                    + fixesNote(fixed, severity: severity))
        } else if !evidence.isFresh {
            findings.append(.unknown)
            notes.append(evidence.reason ?? "the release feeds have not been read recently")
        } else {
            findings.append(.upToDate)
            switch latest[linkedSeries] {
            case nil:
                notes.append("no confirmed \(linkedSeries) release seen by the feeds yet")
            case let newest? where newest < linked:
                notes.append("linked \(linked) is newer than any confirmed \(linkedSeries) release (newest \(newest))")
            default:
                notes.append("linked \(linked) is the newest confirmed \(linkedSeries) release")
            }
        }
        if let pending {
            notes.append("\(pending.version) seen by \(pending.summary), awaiting confirmation")
        }
        let unfixed = vulnerabilities.filter { vulnerability in !fixed.contains { $0.cve == vulnerability.cve } }
        if !unfixed.isEmpty {
            notes.append(affectedNote(unfixed, linked: linked, afterUpdate: target != nil))
        }
        let expected = ExpectedReleases.expected(
            for: linkedSeries, preAnnouncements, releases: known, now: now)
        if let expected {
            let severityText = expected.highestSeverity.map { ", highest severity \($0.rawValue)" } ?? ""
            notes.append("a security release is expected on \(day(expected.expected))\(severityText)")
        }

        let info = series.first { $0.series == linkedSeries }
        var supported: [Series] = []
        if let eol = info?.eol {
            let end = eol.start
            let warning = Double(max(0, policy.eolWarningDays)) * 86_400
            if now >= end {
                findings.append(.linkedSeriesEOL)
                supported = supportedSeries(
                    newerThan: linkedSeries, series: series, now: now, after: now, warning: warning)
                notes.append("series \(linkedSeries) reached end of life on \(eol)" + moveNote(supported))
            } else if now >= end.addingTimeInterval(-warning) {
                findings.append(.eolSoon)
                supported = supportedSeries(
                    newerThan: linkedSeries, series: series, now: now, after: end, warning: warning)
                let days = Int((end.timeIntervalSince(now) / 86_400).rounded(.up))
                notes.append(
                    "series \(linkedSeries) reaches end of life on \(eol) (in \(days) days)" + moveNote(supported))
            }
        }

        let newerSeries = latest.filter { $0.key > linkedSeries }.values.max()
        if let newerSeries {
            findings.append(.newSeries)
            notes.append("\(newerSeries) is out (newer series \(newerSeries.series))")
        }

        if policy.includePrereleases {
            let newestStable = confirmed.filter { !$0.version.isPrerelease }.map(\.version).max()
            let prerelease = confirmed.map(\.version).filter { version in
                version.isPrerelease && version > linked && (newestStable.map { stable in version > stable } ?? true)
            }
            .max()
            if let prerelease {
                findings.append(.prerelease)
                notes.append("pre-release \(prerelease) is out")
            }
        }

        findings.sort { $0.urgency > $1.urgency }
        return Verdict(
            project: project, linked: linked, kind: findings.first ?? .upToDate, findings: findings,
            target: target?.version, latestPerSeries: latest, confirmation: target ?? pending, eol: info?.eol,
            message: notes.joined(separator: "; "), vulnerabilities: vulnerabilities, fixes: fixed.map(\.cve),
            severity: severity, expectedRelease: expected, supportedSeries: supported,
            lastGoodRead: evidence.lastGoodRead)
    }

    /// The series a project past (or near) its series' end of life can move to: newer than
    /// `linked`, released by `now`, and supported for more than the warning window after
    /// `moment` (now, or the linked series' end while that is ahead): moving to a series that
    /// is itself about to end helps nobody. LTS first, then newest first.
    public static func supportedSeries(
        newerThan linked: Series, series: [SeriesInfo], now: Date, after moment: Date, warning: TimeInterval
    ) -> [Series] {
        series.filter { info in
            info.series > linked && info.release.start <= now && info.eol.start > moment.addingTimeInterval(warning)
        }
        .sorted { ($0.lts ? 1 : 0, $0.series) > ($1.lts ? 1 : 0, $1.series) }
        .map(\.series)
    }

    /// ", fixes 3 CVEs, highest Moderate", or ", fixes CVE-2026-45447 (High)" for one.
    static func fixesNote(_ fixed: [Advisory], severity: Severity?) -> String {
        switch fixed.count {
        case 0: return ""
        case 1: return ", fixes \(fixed[0].cve)" + (severity.map { " (\($0.rawValue))" } ?? "")
        default: return ", fixes \(fixed.count) CVEs" + (severity.map { ", highest \($0.rawValue)" } ?? "")
        }
    }

    /// "linked 3.5.3 is affected by 2 known CVEs, highest Moderate (fixed in 3.5.4)"; with
    /// `afterUpdate`, about the CVEs the target does not fix ("... is also affected by ...").
    static func affectedNote(_ unfixed: [KnownVulnerability], linked: OpenSSLVersion, afterUpdate: Bool) -> String {
        let count = unfixed.count == 1 ? unfixed[0].cve : "\(unfixed.count) known CVEs"
        var text = "linked \(linked) is \(afterUpdate ? "also " : "")affected by \(count)"
        if let severity = unfixed.compactMap(\.severity).max() {
            text += unfixed.count == 1 ? " (\(severity.rawValue))" : ", highest \(severity.rawValue)"
        }
        let fixes = Set(unfixed.compactMap(\.fixedBy)).sorted()
        if fixes.isEmpty {
            text += ", no fixing release of its series named"
        } else {
            text += " (fixed in \(fixes.map(\.description).joined(separator: ", ")))"
        }
        return text
    }

    static func moveNote(_ supported: [Series]) -> String {
        supported.isEmpty ? "" : "; move to \(supported.map(\.description).joined(separator: " or "))"
    }

    /// `2026-06-09`: the day of a pre-announced release.
    package static func day(_ date: Date) -> String { date.utcDay }

    /// The newest confirmed stable release of each series.
    public static func latestPerSeries(releases: [Release], policy: VerdictPolicy) -> [Series: OpenSSLVersion] {
        latestPerSeries(confirmations: merged(releases).map { Confirmation($0, policy: policy) }.filter(\.isConfirmed))
    }

    private static func latestPerSeries(confirmations: [Confirmation]) -> [Series: OpenSSLVersion] {
        var latest: [Series: OpenSSLVersion] = [:]
        for confirmation in confirmations where !confirmation.version.isPrerelease {
            let version = confirmation.version
            if let current = latest[version.series], current >= version { continue }
            latest[version.series] = version
        }
        return latest
    }

    /// One release per version, sightings unioned; releases no feed saw (drafts) are dropped.
    /// A mismatch on any copy wins over a match: doubt is never averaged away.
    private static func merged(_ releases: [Release]) -> [Release] {
        var byVersion: [OpenSSLVersion: Release] = [:]
        for release in releases where !release.sources.isEmpty {
            guard var existing = byVersion[release.version] else {
                byVersion[release.version] = release
                continue
            }
            existing.sources.formUnion(release.sources)
            existing.firstSeen = min(existing.firstSeen, release.firstSeen)
            switch (existing.checksum, release.checksum) {
            case (.mismatched, _), (_, .unchecked): break
            default: existing.checksum = release.checksum
            }
            byVersion[release.version] = existing
        }
        return byVersion.values.sorted { $0.version < $1.version }
    }
}

/// How a project wants releases judged: when a release counts as confirmed, whether
/// pre-releases matter, and how early to warn about its series' end of life.
public struct VerdictPolicy: Sendable, Hashable, Codable {
    /// Distinct feeds that must have seen a release before it is trusted on sightings alone.
    public var minFeeds: Int
    /// Whether one sighting plus a tarball matching its published `.sha256` also confirms.
    public var checksumConfirms: Bool
    /// Whether a pre-release newer than every stable release is reported at all.
    public var includePrereleases: Bool
    /// How many days before the linked series' end of life `eol-soon` starts.
    public var eolWarningDays: Int

    public init(
        minFeeds: Int = 2, checksumConfirms: Bool = true, includePrereleases: Bool = false, eolWarningDays: Int = 90
    ) {
        self.minFeeds = minFeeds
        self.checksumConfirms = checksumConfirms
        self.includePrereleases = includePrereleases
        self.eolWarningDays = eolWarningDays
    }
}
