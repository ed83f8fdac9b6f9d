import Foundation
import Logging
import OSSLWatch
import OSSLWatchCore
import OSSLWatchStore
import OSSLWatchTransport

/// The daemon's state between two wake-ups and what it does on each: take the events, start a
/// round when feeds are due, ping the watchdog, sleep until the next thing to do.
///
/// Rounds run in their own task, so the loop stays responsive (signals, watchdog) during a
/// slow poll; only one round runs at a time, and the loop alone changes this state.
struct DaemonLoop {
    /// A round in progress.
    struct RunningRound {
        let task: Task<Void, Never>
        let started: ContinuousClock.Instant
        let requests: [Int64]
    }

    /// The daemon stopping: the signal, and when to give up waiting for the round.
    struct Stopping {
        let signal: Int32
        var deadline: ContinuousClock.Instant
        var cancelled = false
    }

    /// After cancelling a round that outlived `daemon.stopTimeout`, how long to wait for it to
    /// notice: a cancelled command's whole group must be gone (grace, SIGKILL, wait) and its
    /// step recorded before the daemon exits.
    static let cancelGrace = CommandRunner.longestStop + .seconds(2)

    let options: Daemon.Options
    let store: Store
    let logger: Logger
    let inbox: DaemonInbox
    let notifier: SystemdNotifier
    let watchdog: WatchdogSettings?
    var configuration: Configuration
    var watcher: Watcher
    var dues: [String: Date] = [:]
    var jitters: [String: Double] = [:]
    var round: RunningRound?
    var forcePoll = false
    var pollRequests: [Int64] = []
    var nextPing: ContinuousClock.Instant?
    var hungReported = false
    var stopping: Stopping?
    /// The pipeline advance in progress (one at a time, in its own task like a round), and the
    /// flag that tells it to begin no further step once the daemon stops.
    var pipeline: (task: Task<Void, Never>, stop: CancellationFlag)?
    /// Whether the runs should advance as soon as no advance is in progress: at start (crash
    /// recovery), after each round, on SIGUSR1 and for `.run` requests.
    var pipelineWanted = true
    /// When a message waiting after a temporary SMTP failure may be tried again: the loop
    /// wakes then and advances the runs (which sends it).
    var outboxDue: Date?
    /// Why the release feeds are polled fast, as of the last schedule refresh (logged on change).
    var fastPoll = FastPollPlan.normal
    /// Why the verdicts must be derived from the store before the next feed is due, if they
    /// must: at start (a daemon killed after a round saved its polls but before it saved its
    /// verdicts left none, and the feeds wait their whole interval) and after a reload (the
    /// projects may have changed). Any round that starts derives them anyway.
    var verdictsWanted: String? = "start"

    init(
        configuration: Configuration, store: Store, options: Daemon.Options, logger: Logger, inbox: DaemonInbox,
        notifier: SystemdNotifier, watchdog: WatchdogSettings?
    ) {
        self.configuration = configuration
        self.store = store
        self.options = options
        self.logger = logger
        self.inbox = inbox
        self.notifier = notifier
        self.watchdog = watchdog
        watcher = Self.watcher(for: configuration, store: store, environment: options.environment, logger: logger)
    }

    static func watcher(
        for configuration: Configuration, store: Store, environment: [String: String], logger: Logger
    ) -> Watcher {
        Watcher(
            configuration: configuration, store: store, surroundings: .system(environment: environment), logger: logger)
    }

    /// Runs until a stop signal and the end (or cancellation) of the round in progress.
    mutating func run() async {
        refreshDues(now: Date())
        handleRequests()
        notifier.send(.ready)
        notifier.send(.status("started; polling \(configuration.feeds.count) feeds"))
        if watchdog != nil { nextPing = .now }
        var bell = inbox.bell.makeAsyncIterator()
        let timer = WakeTimer { [inbox] in inbox.ring() }
        while true {
            handle(inbox.take())
            if stopping != nil {
                if shouldFinishStopping() { break }
            } else {
                startRoundIfDue()
                if let due = outboxDue, due <= Date() {
                    outboxDue = nil
                    pipelineWanted = true
                }
                startPipelineIfWanted()
            }
            pingWatchdogIfDue()
            timer.arm(at: nextWake())
            _ = await bell.next()
        }
        timer.arm(at: nil)
    }

    // MARK: events

    private mutating func handle(_ events: DaemonInbox.Events) {
        if events.finishedPipelines > 0 {
            pipeline = nil
            outboxDue = (try? store.nextOutboxAttempt()) ?? nil
        }
        if !events.finishedRounds.isEmpty || events.pollSignals > 0 { pipelineWanted = true }
        if events.hasSignals {
            var facts: Logger.Metadata = [:]
            if events.pollSignals > 0 { facts["SIGUSR1"] = "\(events.pollSignals)" }
            if events.reloadSignals > 0 { facts["SIGHUP"] = "\(events.reloadSignals)" }
            if let stop = events.stopSignal { facts["stop"] = "\(SignalListener.name(stop))" }
            facts["from_pid"] = "\(events.senders.sorted().map(String.init).joined(separator: ","))"
            logger.notice("signals received", metadata: facts)
        }
        for summary in events.finishedRounds {
            round = nil
            for outcome in summary.outcomes { jitters[outcome.feed] = nil }
            let now = Date()
            refreshDues(now: now)
            keepApart(summary.outcomes.map(\.feed), now: now)
            notifier.send(.status(summary.status))
        }
        if let signal = events.stopSignal, stopping == nil {
            beginStop(signal)
        }
        guard stopping == nil else { return }
        if events.reloadSignals > 0 { reload() }
        if events.pollSignals > 0 {
            forcePoll = true
            handleRequests()
        }
    }

    /// Pending requests: a poll joins the next (forced) round and is marked handled by it; a
    /// run is left to the next pipeline advance, which marks it handled with the run it created.
    private mutating func handleRequests() {
        let pending = PendingRequests.read(from: store, logger: logger)
        // The pipeline runner creates the run and marks the request handled with its id.
        if !pending.runs.isEmpty { pipelineWanted = true }
        let inFlight = Set(round?.requests ?? [])
        for request in pending.polls where !inFlight.contains(request.id) && !pollRequests.contains(request.id) {
            forcePoll = true
            pollRequests.append(request.id)
            logger.notice("request accepted", metadata: ["request": "\(request.id)", "kind": "poll"])
        }
    }

    /// Re-reads the configuration; swaps it in only if it is valid. systemd hears RELOADING=1
    /// first and READY=1 after either outcome, since the service goes on in both.
    private mutating func reload() {
        notifier.send(.reloading(monotonicMicroseconds: NotifyMessage.monotonicMicroseconds()))
        do {
            var loaded = try ConfigLoader.load(path: options.configPath, environment: options.environment)
            if loaded.stateDirectory != configuration.stateDirectory, !options.dryRun {
                logger.warning(
                    "state_directory changes only at restart; the open store stays",
                    metadata: ["open": "\(configuration.stateDirectory)", "configured": "\(loaded.stateDirectory)"])
            }
            // The store, its lock and the run directories stay where they were opened (a dry
            // run's copy among them), and a dry run writes no metrics file.
            loaded.stateDirectory = configuration.stateDirectory
            if options.dryRun { loaded.daemon.metricsFile = nil }
            configuration = loaded
            verdictsWanted = "reload"
            watcher = Self.watcher(
                for: loaded, store: store, environment: options.environment, logger: logger)
            jitters = jitters.filter { name, _ in loaded.feeds.contains { $0.name == name } }
            refreshDues(now: Date())
            logger.notice(
                "configuration reloaded",
                metadata: ["config": "\(options.configPath)", "feeds": "\(Daemon.describe(loaded.feeds))"])
            notifier.send(.status("configuration reloaded; \(loaded.feeds.count) feeds"))
        } catch {
            logger.error(
                "configuration rejected, the previous one stays",
                metadata: ["config": "\(options.configPath)", "error": "\(error)"])
            notifier.send(.status("reload rejected, previous configuration kept: \(error)"))
        }
        notifier.send(.ready)
    }

    private mutating func beginStop(_ signal: Int32) {
        notifier.send(.stopping)
        notifier.send(.status("stopping (\(SignalListener.name(signal)))"))
        pipeline?.stop.cancel()
        let timeout = Duration.milliseconds(Int64(configuration.daemon.stopTimeout * 1000))
        stopping = Stopping(signal: signal, deadline: .now + timeout)
        logger.notice(
            "stopping",
            metadata: [
                "signal": "\(SignalListener.name(signal))", "round_running": "\(round != nil)",
                "stop_timeout": "\(configuration.daemon.stopTimeout)s",
            ])
    }

    /// Whether the loop may end: no round left, or the round ignored its cancellation too long.
    private mutating func shouldFinishStopping() -> Bool {
        guard var stop = stopping, round != nil || pipeline != nil else { return true }
        guard ContinuousClock.now >= stop.deadline else { return false }
        if stop.cancelled {
            logger.error("poll round or pipeline step did not end after cancellation; stopping without it")
            return true
        }
        // A cancelled command step is killed and stays `running` in the store: the recovery
        // rule decides about it at the next start.
        pipeline?.task.cancel()
        round?.task.cancel()
        stop.cancelled = true
        stop.deadline = .now + Self.cancelGrace
        stopping = stop
        logger.warning(
            "\(round == nil ? "pipeline step" : "poll round") cancelled: it outlived the stop timeout",
            metadata: ["stop_timeout": "\(configuration.daemon.stopTimeout)s"])
        return false
    }

    // MARK: schedule

    private mutating func refreshDues(now: Date) {
        let states: [String: FeedState]
        do {
            states = Dictionary(try store.feedStates().map { ($0.name, $0) }) { first, _ in first }
        } catch {
            logger.error("feed states not read; the schedule stays", metadata: ["error": "\(error)"])
            return
        }
        let plan = refreshFastPoll(now: now)
        var fresh: [String: Date] = [:]
        for feed in configuration.feeds {
            let jitter = jitters[feed.name] ?? Double.random(in: 0...1) * configuration.daemon.jitter
            jitters[feed.name] = jitter
            fresh[feed.name] = FeedSchedule.due(feed, state: states[feed.name], jitter: jitter, now: now, plan: plan)
        }
        dues = fresh
    }

    /// Works out whether the release feeds are polled fast now, and logs when that starts or
    /// ends and why. A store that cannot be read keeps the previous plan.
    private mutating func refreshFastPoll(now: Date) -> FastPollPlan {
        let plan: FastPollPlan
        let releases: [Release]
        do {
            releases = try store.releases()
            plan = FeedSchedule.plan(
                advisories: try store.advisories(), preAnnouncements: try store.allPreAnnouncements(),
                releases: releases, settings: configuration.advisories, now: now)
        } catch {
            logger.error("advisories not read; the fast-polling state stays", metadata: ["error": "\(error)"])
            return fastPoll
        }
        let releaseFeeds = configuration.feeds.filter { FeedSchedule.isReleaseFeed($0.kind) }.map(\.name)
        for reason in plan.reasons where !fastPoll.reasons.contains(reason) {
            logger.notice(
                "fast polling starts",
                metadata: [
                    "reason": "\(reason)", "interval": "\(plan.interval)s", "until": "\(reason.until)",
                    "feeds": "\(releaseFeeds.joined(separator: ","))",
                ])
        }
        for reason in fastPoll.reasons where !plan.reasons.contains(reason) {
            logger.notice(
                "fast polling ends",
                metadata: [
                    "reason": "\(reason)", "why": "\(FeedSchedule.ending(reason, releases: releases, now: now))",
                    "still_fast": "\(plan.isActive)",
                ])
        }
        if let start = plan.nextStart, start != fastPoll.nextStart {
            logger.info("fast polling scheduled", metadata: ["from": "\(start)", "interval": "\(plan.interval)s"])
        }
        fastPoll = plan
        return plan
    }

    /// A feed just polled waits at least its (possibly fast) interval, at most 30 s, whatever its state says:
    /// a poll that could record nothing (the store failing) must not turn into a busy loop.
    private mutating func keepApart(_ polled: [String], now: Date) {
        for feed in configuration.feeds where polled.contains(feed.name) {
            let floor = now.addingTimeInterval(min(FeedSchedule.interval(of: feed, plan: fastPoll), 30))
            if let due = dues[feed.name], due < floor { dues[feed.name] = floor }
        }
    }

    private mutating func startRoundIfDue() {
        guard round == nil else { return }
        let now = Date()
        let force = forcePoll
        let feeds = force ? configuration.feeds : configuration.feeds.filter { (dues[$0.name] ?? now) <= now }
        guard !feeds.isEmpty else {
            if let reason = verdictsWanted { startRederiving(reason) }
            return
        }
        verdictsWanted = nil
        forcePoll = false
        let requests = pollRequests
        pollRequests = []
        logger.info(
            "poll round started",
            metadata: ["feeds": "\(feeds.map(\.name).joined(separator: ","))", "forced": "\(force)"])
        var roundWatcher = watcher
        roundWatcher.client = watcher.client.reportingTransfers { [inbox] in inbox.roundProgressed() }
        let performer = DaemonRound(watcher: roundWatcher, logger: logger)
        let task = Task { [inbox] in
            let summary = await performer.perform(feeds: feeds, force: force, requests: requests)
            inbox.finished(summary)
        }
        round = RunningRound(task: task, started: .now, requests: requests)
    }

    /// Derives the verdicts from the store in the place of a round (the watchdog and the stop
    /// treat it as one), so the pipeline advance that follows it sees them.
    private mutating func startRederiving(_ reason: String) {
        verdictsWanted = nil
        let performer = DaemonRound(watcher: watcher, logger: logger)
        let task = Task { [inbox] in
            inbox.finished(await performer.rederive(reason: reason))
        }
        round = RunningRound(task: task, started: .now, requests: [])
    }

    /// Advances the runs in a task of its own, so signals and the watchdog are served while a
    /// step (a build, a download) takes its time.
    private mutating func startPipelineIfWanted() {
        guard pipelineWanted, pipeline == nil else { return }
        pipelineWanted = false
        let stop = CancellationFlag()
        var executor = StepExecutor(
            stateDirectory: configuration.stateDirectory, client: watcher.client, logger: logger,
            dryRun: options.dryRun, environment: options.environment)
        executor.stopFlag = stop
        let runner = PipelineRunner(
            configuration: configuration, store: store, logger: logger, executor: executor,
            stopFlag: stop, dryRun: options.dryRun, environment: options.environment)
        let task = Task { [inbox] in
            await runner.advance(now: Date())
            inbox.pipelineFinished()
        }
        pipeline = (task, stop)
    }

    // MARK: watchdog and sleep

    /// Pings only when the work proves it is alive: this loop turned (a loop that stops turning
    /// stops the pings), and a poll round in flight made progress (a transfer ended) within the
    /// watchdog's timeout. A round stuck anywhere, in a transfer that outlives its own timeout,
    /// a store call or a starved pool, stops the pings, and systemd restarts the service.
    /// Every transfer is bounded by http.timeout, so WatchdogSec must exceed it (the shipped
    /// unit has 2 min against 60 s).
    private mutating func pingWatchdogIfDue() {
        guard let watchdog, let next = nextPing else { return }
        let now = ContinuousClock.now
        guard now >= next else { return }
        nextPing = now + watchdog.pingInterval
        if let round {
            let lastSign = max(round.started, inbox.progressedAt ?? round.started)
            let silent = now - lastSign
            if silent >= watchdog.timeout {
                if !hungReported {
                    logger.critical(
                        "poll round made no progress; watchdog pings stop",
                        metadata: ["silent_for": "\(silent)", "watchdog": "\(watchdog.timeout)"])
                    notifier.send(
                        .status("poll round made no progress for \(Int(silent.seconds))s; watchdog pings stop"))
                    hungReported = true
                }
                return
            }
        }
        hungReported = false
        notifier.send(.watchdog)
    }

    private func nextWake() -> ContinuousClock.Instant? {
        var candidates: [ContinuousClock.Instant] = []
        if let nextPing { candidates.append(nextPing) }
        if let stopping { candidates.append(stopping.deadline) }
        if stopping == nil, pipeline == nil, let due = outboxDue {
            candidates.append(.now + .milliseconds(Int64(max(0, due.timeIntervalSinceNow) * 1000)))
        }
        if stopping == nil, round == nil, let due = dues.values.min() {
            let seconds = max(0, due.timeIntervalSinceNow)
            candidates.append(.now + .milliseconds(Int64(seconds * 1000)))
        }
        return candidates.min()
    }
}
