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

    public init(
        configuration: Configuration, store: Store, client: HTTPClient, surroundings: Surroundings, logger: Logger
    ) {
        self.configuration = configuration
        self.store = store
        self.client = client
        self.surroundings = surroundings
        self.logger = logger
    }

    /// With the HTTP client the configuration asks for, its GitHub token read with the
    /// environment of `surroundings`.
    public init(configuration: Configuration, store: Store, surroundings: Surroundings, logger: Logger) {
        let client = HTTPClientFactory.client(
            for: configuration, environment: surroundings.environment, now: surroundings.now, logger: logger)
        self.init(
            configuration: configuration, store: store, client: client, surroundings: surroundings, logger: logger)
    }

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
            var outcomes: [(Int, FeedPollOutcome)] = []
            for await outcome in group {
                outcomes.append(outcome)
            }
            return outcomes
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
