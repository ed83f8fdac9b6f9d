public import Foundation
public import Logging
public import OSSLWatchCore
public import OSSLWatchStore
public import OSSLWatchTransport

/// Polls feeds and records what they say, confirms lone sightings and derives a verdict per
/// project: the pieces `PollRound` puts together for `osslwatch check` and the daemon alike,
/// so the store stays the single source of truth for both.
public struct Watcher: Sendable {
    public let configuration: Configuration
    public let store: Store
    /// Every transfer of a round goes through it; the daemon gives each round a client that
    /// reports the end of each transfer (`HTTPClient.reportingTransfers(to:)`) to its watchdog.
    public var client: HTTPClient
    /// The clock every recorded time and every verdict is taken from.
    public let surroundings: Surroundings
    public let logger: Logger

    /// Polls `only` (every configured feed by default) at once; each transfer runs on its own
    /// thread inside the HTTP client. Templated CVE-record feeds go last, so they can fetch the
    /// records of CVEs the advisory texts of this same round named. Outcomes keep the given order.
    public func pollAll(_ only: [FeedSettings]? = nil, now: Date, force: Bool = false) async
        -> [FeedPollOutcome]
    {
        let feeds = Array((only ?? configuration.feeds).enumerated())
        let isLate = { (feed: FeedSettings) in feed.kind == .cveJSON && feed.isTemplated }
        var outcomes = await poll(feeds.filter { !isLate($0.element) }, now: now, force: force)
        outcomes += await poll(feeds.filter { isLate($0.element) }, now: now, force: force)
        return outcomes.sorted { $0.0 < $1.0 }.map(\.1)
    }

    private func poll(_ feeds: [(offset: Int, element: FeedSettings)], now: Date, force: Bool) async
        -> [(Int, FeedPollOutcome)]
    {
        await withTaskGroup(of: (Int, FeedPollOutcome).self) { group in
            for (index, feed) in feeds {
                group.addTask { (index, await poll(feed, now: now, force: force)) }
            }
            return await group.reduce(into: []) { outcomes, outcome in outcomes.append(outcome) }
        }
    }

    /// Polls one feed with the stored validators and records the result.
    public func poll(_ feed: FeedSettings, now: Date, force: Bool = false) async -> FeedPollOutcome {
        let started = surroundings.uptime()
        var outcome = FeedPollOutcome(feed: feed.name, kind: feed.kind, url: feed.url, result: .failed)
        let state: FeedState?
        do {
            state = try store.feedState(feed.name)
        } catch {
            outcome.error = "state store: \(error)"
            return outcome
        }
        if let state, let until = FeedSchedule.holdBack(state, now: now, force: force) {
            outcome.result = .backingOff
            outcome.status = state.lastStatus
            outcome.error = state.lastError ?? "the server asked not to be polled before then"
            outcome.nextPoll = until
            logger.notice(
                "feed backing off",
                metadata: ["feed": "\(feed.name)", "until": "\(until)", "streak": "\(state.errorStreak)"])
            return outcome
        }
        let streak = (state?.errorStreak ?? 0) + 1
        if feed.isTemplated {
            await pollExpanded(feed, now: now, streak: streak, into: &outcome)
            outcome.durationSeconds = surroundings.seconds(since: started)
            logPoll(outcome)
            return outcome
        }
        let request = HTTPRequest(url: feed.url, etag: state?.etag, lastModified: state?.lastModified)
        do {
            let response = try await client.get(request)
            outcome.status = response.status
            logClamp(response.serverHold, feed: feed.name)
            let notBefore = response.serverHold?.until
            let nextPoll = max(surroundings.now().addingTimeInterval(feed.interval), notBefore ?? .distantPast)
            if response.isNotModified {
                try store.recordNotModified(
                    feed: feed.name, at: surroundings.now(), nextPoll: nextPoll, notBefore: notBefore)
                outcome.result = .unchanged
            } else {
                let content = try FeedParsers.parser(for: feed, baseURL: response.effectiveURL).parse(
                    response.body, contentType: response.contentType, feed: feed.name)
                outcome.newVersions = try store.recordSuccess(
                    feed: feed.name, status: response.status, etag: response.etag,
                    lastModified: response.lastModified, content: content, at: surroundings.now(), nextPoll: nextPoll,
                    notBefore: notBefore)
                outcome.observations =
                    content.observations.count + content.series.count + content.advisories.count
                    + content.preAnnouncements.count
                outcome.result = .updated
            }
            outcome.nextPoll = nextPoll
        } catch let error as HTTPError {
            outcome.status = error.status
            record(failure: "\(error)", status: error.status, httpError: error, streak: streak, into: &outcome)
        } catch {
            record(failure: "\(error)", status: outcome.status, httpError: nil, streak: streak, into: &outcome)
        }
        outcome.durationSeconds = surroundings.seconds(since: started)
        logPoll(outcome)
        return outcome
    }

    private func logPoll(_ outcome: FeedPollOutcome) {
        logger.log(
            level: outcome.result == .failed ? .warning : .info, "feed \(outcome.result.rawValue)",
            metadata: [
                "feed": "\(outcome.feed)", "result": "\(outcome.result.rawValue)",
                "status": "\(outcome.status.map(String.init) ?? "-")",
                "observations": "\(outcome.observations)",
                "new": "\(outcome.newVersions.map(\.description).joined(separator: ","))",
                "duration": "\(String(format: "%.3f", outcome.durationSeconds))s",
                "error": "\(outcome.error ?? "")",
            ])
    }

    /// A server asked to be left alone for longer than a hold may last: say so, with the feed
    /// and the header as sent, so an operator can see which host misbehaves.
    func logClamp(_ hold: ServerHold?, feed: String) {
        guard let hold, hold.wasClamped else { return }
        logger.warning(
            "server hold clamped",
            metadata: [
                "feed": "\(feed)", "header": "\(hold.header)", "until": "\(hold.until.formatted(.iso8601))",
            ])
    }

    func record(
        failure message: String, status: Int?, httpError: HTTPError?, streak: Int, into outcome: inout FeedPollOutcome
    ) {
        logClamp(httpError?.hold, feed: outcome.feed)
        let nextPoll = configuration.backoff.policy.nextPoll(
            now: surroundings.now(), errorStreak: streak, notBefore: httpError?.retryAfter,
            jitter: Double.random(in: 0...1))
        outcome.result = .failed
        outcome.error = message
        outcome.nextPoll = nextPoll
        do {
            try store.recordFailure(
                feed: outcome.feed, status: status, error: message, at: surroundings.now(), nextPoll: nextPoll,
                notBefore: httpError?.retryAfter)
        } catch {
            outcome.error = "\(message); and the state store failed: \(error)"
        }
    }

    /// For releases newer than a project's linked version, in its series, that too few feeds
    /// have seen, compares the published `.sha256` with the tarball's digest, as the
    /// confirmation rule allows. Older releases are never downloaded: they decide nothing.
    public func confirmByChecksum(linked: [(ProjectSettings, Result<LinkedVersion, LinkedError>)]) async throws {
        let rule = configuration.confirmation
        guard rule.checksum else { return }
        var oldestLinked: [Series: OpenSSLVersion] = [:]
        for case (_, .success(let version)) in linked {
            let series = version.version.series
            oldestLinked[series] = min(oldestLinked[series] ?? version.version, version.version)
        }
        for release in try store.releases() {
            guard let floor = oldestLinked[release.version.series], release.version > floor,
                !release.version.isPrerelease, release.sources.count >= 1, release.sources.count < rule.minFeeds,
                case .unchecked = release.checksum
            else { continue }
            let url = rule.tarballURL(for: release.version)
            let result = await TarballChecksum.confirm(
                version: release.version, tarballURL: url, client: client, maxBytes: rule.maxTarballBytes)
            logger.info(
                "checksum confirmation",
                metadata: ["version": "\(release.version)", "url": "\(url)", "result": "\(result)"])
            if case .unchecked = result { continue }
            try store.recordChecksum(version: release.version, result, at: surroundings.now())
        }
    }

    /// Reads every project's linked version; failures are per project and never stop the others.
    public func readLinked() -> [(ProjectSettings, Result<LinkedVersion, LinkedError>)] {
        configuration.projects.map { project in
            (project, Result { () throws(LinkedError) in try LinkedVersionReader.read(project.linked) })
        }
    }

    /// Derives each project's verdict from its linked version and what the store holds now.
    /// - Parameter advisories: the store's advisories when the caller has just read them; read here otherwise.
    public func evaluate(
        linked: [(ProjectSettings, Result<LinkedVersion, LinkedError>)], now: Date,
        advisories known: [Advisory]? = nil
    ) throws -> [CheckReport.ProjectReport] {
        let releases = try store.releases()
        let series = try store.seriesInfo()
        let advisories = AdvisoryIndex(try known ?? store.advisories())
        // All of them: the verdict keeps the ones still awaited for the project's own series.
        let preAnnouncements = try store.allPreAnnouncements()
        let evidence = ReleaseEvidence.assess(feeds: configuration.feeds, states: try store.feedStates(), now: now)
        return linked.map { project, linked in
            switch linked {
            case .failure(let error):
                logger.error(
                    "linked version unreadable", metadata: ["project": "\(project.name)", "error": "\(error)"])
                return .init(name: project.name, linked: nil, linkedError: "\(error)", verdict: nil)
            case .success(let linked):
                let policy = configuration.policy(for: project)
                let verdict = VerdictEngine.verdict(
                    project: project.name, linked: linked.version, releases: releases, series: series,
                    policy: policy, now: now, advisories: advisories, preAnnouncements: preAnnouncements,
                    evidence: evidence)
                logger.info(
                    "verdict",
                    metadata: [
                        "project": "\(project.name)", "linked": "\(linked.version)",
                        "verdict": "\(verdict.kind.rawValue)",
                        "target": "\(verdict.target?.description ?? "-")",
                        "fixes": "\(verdict.fixes.joined(separator: ","))",
                        "severity": "\(verdict.severity?.rawValue ?? "-")",
                    ])
                return .init(name: project.name, linked: linked, linkedError: nil, verdict: verdict)
            }
        }
    }
}

extension Watcher {
    /// With the HTTP client the configuration asks for, its GitHub token read with the
    /// environment of `surroundings`.
    public init(configuration: Configuration, store: Store, surroundings: Surroundings, logger: Logger) {
        let client = HTTPClientFactory.client(
            for: configuration, environment: surroundings.environment, now: surroundings.now, logger: logger)
        self.init(
            configuration: configuration, store: store, client: client, surroundings: surroundings, logger: logger)
    }

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

/// Builds the HTTP client a configuration asks for, reading the optional GitHub token at use.
public enum HTTPClientFactory {
    /// A token file that is configured but unreadable is logged (without its content) and the
    /// client goes on unauthenticated: GitHub's anonymous limit still allows polling.
    public static func client(
        for configuration: Configuration, environment: [String: String], now: @escaping @Sendable () -> Date,
        logger: Logger
    ) -> HTTPClient {
        var token: String?
        if let file = configuration.http.githubTokenFile {
            do {
                token = try CredentialFile.read(name: file, environment: environment)
            } catch {
                logger.warning("GitHub token not used", metadata: ["reason": "\(error)"])
            }
        }
        return HTTPClient(settings: configuration.http, githubToken: token, now: now)
    }
}

/// What one poll of one feed did; the check report and the logs are made of these.
public struct FeedPollOutcome: Sendable, Hashable, Codable {
    public enum Result: String, Sendable, Hashable, Codable {
        /// 200: the body was parsed and stored.
        case updated
        /// 304: the stored validators still hold; nothing was parsed.
        case unchanged
        /// The transfer or the body failed; the feed backs off.
        case failed
        /// Not polled: the feed is backing off after errors or was told to wait (`Retry-After`).
        case backingOff = "backing-off"
    }

    public var feed: String
    public var kind: FeedKind
    public var url: String
    public var result: Result
    public var status: Int?
    /// Releases and series the body held (0 for anything but `updated`).
    public var observations: Int = 0
    /// Versions this poll saw for the first time anywhere.
    public var newVersions: [OpenSSLVersion] = []
    /// The error, for `failed`, or the last error, for `backing-off`.
    public var error: String?
    public var nextPoll: Date?
    public var durationSeconds: Double = 0

    /// True when the feed could not be read in this check, by failure or by an active backoff.
    public var isUnavailable: Bool { result == .failed || result == .backingOff }
}
