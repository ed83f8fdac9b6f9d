import Foundation
import Logging
import OSSLWatchCore
import OSSLWatchStore

/// Runs that learn of their advisories late.
///
/// A release is confirmed by the release feeds, and its run created, as soon as both agree; the
/// advisory text naming it comes from its own feed, on its own schedule, and may arrive after.
/// So at every advance each unfinished run is compared with what its target fixes now. New CVEs
/// make it a security release (the list only grows: an advisory removed later changes nothing):
///
/// - steps skipped as "not a security release" are pending again. The runner drives the first
///   unsettled step, so they run next, even when the run waits at a later gate or later steps
///   are already done: a security step run late is better than one never run.
/// - an unsent plain announcement is withdrawn and the security variant drafted in its place
///   (another Message-ID), to be approved again. One that is out, or may be, is left alone: the
///   maintainers hear that the security advisory must be announced by hand.
extension PipelineRunner {
    /// Gives the unfinished `runs` (the list the advance then drives) the CVEs their targets
    /// are now known to fix.
    func applyLateAdvisories(to runs: [RunRecord], now: Date) {
        guard !runs.isEmpty else { return }
        let index: AdvisoryIndex
        do {
            index = AdvisoryIndex(try store.advisories())
        } catch {
            logger.error("advisories of runs not refreshed", metadata: ["error": "\(error)"])
            return
        }
        for run in runs {
            let fixed = index.fixed(by: run.target, since: run.previous)
            guard fixed.contains(where: { !run.advisories.contains($0.cve) }) else { continue }
            do {
                guard let update = try store.addAdvisories(run: run.id, cves: fixed.map(\.cve), at: now) else {
                    continue
                }
                report(update, fixed: fixed, wasSecurity: run.isSecurity, now: now)
            } catch {
                logger.error(
                    "run advisories not updated",
                    metadata: ["run": "\(run.id)", "project": "\(run.project)", "error": "\(error)"])
            }
        }
    }

    private func report(_ update: Store.AdvisoryUpdate, fixed: [Advisory], wasSecurity: Bool, now: Date) {
        let run = update.run
        let base: Logger.Metadata = ["run": "\(run.id)", "project": "\(run.project)", "target": "\(run.target)"]
        var facts = base
        facts["added"] = "\(update.added.joined(separator: ","))"
        facts["advisories"] = "\(run.advisories.joined(separator: ","))"
        facts["severity"] = "\(AdvisoryIndex.highestSeverity(fixed)?.rawValue ?? "-")"
        facts["reopened"] = "\(update.reopened.joined(separator: ","))"
        logger.notice(
            wasSecurity ? "run learnt of more advisories" : "run is a security release: advisory learnt after it began",
            metadata: facts)
        for draft in update.withdrawn {
            logger.notice(
                "draft withdrawn: the security announcement is drafted instead and needs approval",
                metadata: base.merging(["draft": "\(draft)"]) { _, new in new })
        }
        for draft in update.staleDrafts {
            logger.warning(
                "drafted security announcement names fewer CVEs than the run: cancel it, or add them by hand",
                metadata: base.merging(["draft": "\(draft)", "added": "\(update.added.joined(separator: ","))"]) {
                    _, new in new
                })
        }
        guard !update.alreadyAnnounced.isEmpty else { return }
        logger.warning(
            "plain announcement already out: announce the security advisory by hand",
            metadata: base.merging([
                "steps": "\(update.alreadyAnnounced.joined(separator: ","))",
                "added": "\(update.added.joined(separator: ","))",
            ]) { _, new in new })
        guard let mail = configuration.mail else { return }
        let added = fixed.filter { update.added.contains($0.cve) }
        let notice = Notice.lateAdvisory(run: run, advisories: added, nextRelease: run.nextRelease)
        let displayName =
            configuration.projects.first(where: { $0.name == run.project })?.announce?.displayName ?? run.project
        do {
            _ = try Announcer(
                mail: mail, store: store, maildir: maildir, logger: logger, dryRun: isDryRun(run.project)
            ).draftNotice(notice, displayName: displayName, now: now)
        } catch {
            logger.error("notice not drafted", metadata: ["key": "\(notice.key)", "error": "\(error)"])
        }
    }
}
