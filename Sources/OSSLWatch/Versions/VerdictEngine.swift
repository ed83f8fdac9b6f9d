import Foundation

/// Turns the store's releases and series facts into one verdict per project.
///
/// Pure and deterministic (time comes in as `now`), so the daemon, `check` and the tests
/// all get the same answer from the same facts.
public enum VerdictEngine {
    public static func verdict(
        project: String, linked: OpenSSLVersion, releases: [Release], series: [SeriesInfo], policy: VerdictPolicy,
        now: Date
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

        var findings: [VerdictKind] = []
        var notes: [String] = []
        if let target {
            findings.append(.patchUpdate)
            notes.append("\(target.version) released (linked \(linked)), confirmed by \(target.summary)")
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

        let info = series.first { $0.series == linkedSeries }
        if let eol = info?.eol {
            let end = eol.start
            let warningStart = end.addingTimeInterval(-Double(max(0, policy.eolWarningDays)) * 86_400)
            if now >= end {
                findings.append(.linkedSeriesEOL)
                notes.append("series \(linkedSeries) reached end of life on \(eol)")
            } else if now >= warningStart {
                findings.append(.eolSoon)
                let days = Int((end.timeIntervalSince(now) / 86_400).rounded(.up))
                notes.append("series \(linkedSeries) reaches end of life on \(eol) (in \(days) days)")
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
            message: notes.joined(separator: "; "))
    }

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
