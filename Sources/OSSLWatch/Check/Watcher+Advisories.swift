import Foundation
import OSSLWatchCore
import OSSLWatchStore
import OSSLWatchTransport

extension Watcher {
    /// How far back release sightings and pre-announced days make an advisory date worth asking for.
    static let advisoryLookback: TimeInterval = 7 * 86_400
    /// Most CVE records fetched in one poll; the rest wait for the next, so a long advisory
    /// cannot turn one poll into a burst of requests.
    static let maxRecordsPerPoll = 50
    /// A `{date}` URL that answered 404 is forgotten after this long: that day had no advisory.
    static let notFoundRetention: TimeInterval = 30 * 86_400

    /// Polls a feed whose URL holds a placeholder: every URL it expands to now, each with its
    /// own validators (`feed_urls`, keyed by the date or CVE id). A 404 means "not published
    /// (yet)" and is no error; any other failure fails the feed as a whole, and a body that
    /// does not parse stores nothing of that body. Bodies that parsed are kept either way.
    func pollExpanded(_ feed: FeedSettings, now: Date, streak: Int, into outcome: inout FeedPollOutcome) async {
        let keys: [String]
        let known: [String: FeedURLState]
        do {
            let states = try store.feedURLStates(feed: feed.name)
            known = Dictionary(states.map { ($0.key, $0) }, uniquingKeysWith: { first, _ in first })
            keys = try expansionKeys(for: feed, now: now, known: known)
        } catch {
            outcome.error = "state store: \(error)"
            return
        }
        var failure: (message: String, status: Int?, httpError: HTTPError?)?
        var changed = false
        var lastStatus: Int?
        for key in keys {
            guard !Task.isCancelled else { break }
            let url = feed.url.replacingOccurrences(of: feed.kind.urlPlaceholder ?? "", with: key)
            let previous = known[key]
            let request = HTTPRequest(url: url, etag: previous?.etag, lastModified: previous?.lastModified)
            var state = FeedURLState(feed: feed.name, key: key, url: url, lastAttempt: surroundings.now())
            do {
                let response = try await client.get(request)
                lastStatus = response.status
                state.lastStatus = response.status
                state.lastSuccess = state.lastAttempt
                if response.isNotModified {
                    try store.recordFetch(state)
                    continue
                }
                let content: FeedContent
                do {
                    content = try FeedParsers.parser(for: feed, baseURL: response.effectiveURL).parse(
                        response.body, contentType: response.contentType, feed: feed.name)
                } catch {
                    failure = failure ?? ("\(url): \(error)", response.status, nil)
                    continue
                }
                state.etag = response.etag
                state.lastModified = response.lastModified
                try store.recordFetch(state, content: content)
                outcome.observations += content.advisories.count + content.preAnnouncements.count
                changed = true
            } catch let error as HTTPError where FeedURLState.notPublished(error.status) {
                state.lastStatus = error.status
                do { try store.recordFetch(state) } catch { failure = failure ?? ("state store: \(error)", nil, nil) }
            } catch let error as HTTPError {
                failure = ("\(error)", error.status, error)
                break
            } catch {
                failure = ("\(error)", nil, nil)
                break
            }
        }
        if let failure {
            outcome.status = failure.status
            record(
                failure: failure.message, status: failure.status, httpError: failure.httpError, streak: streak,
                into: &outcome)
            return
        }
        let nextPoll = surroundings.now().addingTimeInterval(feed.interval)
        do {
            if changed {
                try store.recordSuccess(
                    feed: feed.name, status: 200, etag: nil, lastModified: nil, content: FeedContent(),
                    at: surroundings.now(),
                    nextPoll: nextPoll)
            } else {
                try store.recordNotModified(feed: feed.name, at: surroundings.now(), nextPoll: nextPoll)
            }
            try store.pruneFeedURLs(feed: feed.name, notFoundBefore: now.addingTimeInterval(-Self.notFoundRetention))
            outcome.result = changed ? .updated : .unchanged
            outcome.status = lastStatus
            outcome.nextPoll = nextPoll
        } catch {
            record(failure: "state store: \(error)", status: nil, httpError: nil, streak: streak, into: &outcome)
        }
    }

    /// What fills the placeholder at this poll: `{date}` the advisory days worth asking for,
    /// `{cve}` the known CVEs this feed has no record of yet.
    func expansionKeys(for feed: FeedSettings, now: Date, known: [String: FeedURLState]) throws -> [String] {
        switch feed.kind {
        case .secadv:
            return Self.advisoryDates(
                now: now, releases: try store.releases(), preAnnouncements: try store.allPreAnnouncements())
        case .cveJSON:
            return Self.missingRecords(advisories: try store.advisories(), known: known)
        default:
            return []
        }
    }

    /// `YYYYMMDD` for today and yesterday (UTC), the days releases were first seen in the last
    /// week, and every pre-announced day up to today (a daemon that was down then still gets
    /// that advisory), oldest first.
    static func advisoryDates(now: Date, releases: [Release], preAnnouncements: [PreAnnouncement]) -> [String] {
        let since = now.addingTimeInterval(-advisoryLookback)
        var days: Set<String> = [AdvisoryDate.compact(now), AdvisoryDate.compact(now.addingTimeInterval(-86_400))]
        for release in releases where release.firstSeen >= since && release.firstSeen <= now {
            days.insert(AdvisoryDate.compact(release.firstSeen))
        }
        for announcement in preAnnouncements where announcement.expected <= now {
            days.insert(AdvisoryDate.compact(announcement.expected))
        }
        return days.sorted()
    }

    /// CVE ids (validated) that no URL of this feed has answered with a record for, oldest
    /// advisory first, at most `maxRecordsPerPoll`.
    static func missingRecords(advisories: [Advisory], known: [String: FeedURLState]) -> [String] {
        let missing = advisories.filter { advisory in
            Advisory.isCVEIdentifier(advisory.cve) && known[advisory.cve]?.isPublished != true
        }
        return Array(missing.map(\.cve).prefix(maxRecordsPerPoll))
    }
}
