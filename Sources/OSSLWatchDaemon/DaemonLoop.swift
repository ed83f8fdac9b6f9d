import Foundation
import Logging
import OSSLWatch
import OSSLWatchCore
import OSSLWatchStore
import OSSLWatchTransport
import ServiceLifecycle
import Synchronization

/// The daemon's work, as a service of its `ServiceGroup`: start a round when feeds are due,
/// advance the runs, answer the events the `SignalService` and the `WatchdogService` hand over,
/// sleep until the next thing to do.
///
/// Rounds and pipeline advances run as child tasks, so the loop stays responsive (signals,
/// watchdog) during a slow poll or a long step; one round and one advance at a time, and the loop
/// alone changes this state. On the group's graceful shutdown it starts nothing new, tells the
/// pipeline to begin no further step, and returns once the round and the step in flight are
/// done. When that outlives `daemon.stop_timeout` the group cancels this service, and the
/// cancellation reaches the round (its transfers give up) and the step (its command's group is
/// stopped; the step stays `running` for the recovery rule at the next start).
struct DaemonLoop: Service {
    /// The longest the loop sleeps in one go. A sleep cut short keeps its timer until the
    /// instant it was set for (bench/RESULTS.md measured about 0.6 KiB per early wake), so the
    /// alarm is moved only to an earlier instant and never set further than this ahead: a stream
    /// of signals cannot pile up more than a minute of them.
    static let longestSleep: Duration = .seconds(60)

    let options: Daemon.Options
    let store: Store
    let logger: Logger
    let notifier: SystemdNotifier
    /// Everything that wakes the loop; `continuation` is how its own tasks and the graceful
    /// shutdown handler add to it (the `SignalService` holds another copy).
    let events: AsyncStream<DaemonEvent>
    let continuation: AsyncStream<DaemonEvent>.Continuation
    /// What the `WatchdogService` reads: heartbeats answered, the round's start and progress.
    let health: WorkHealth
    var configuration: Configuration
    var watcher: Watcher
    var dues: [String: Date] = [:]
    var jitters: [String: Double] = [:]
    /// The requests the round in flight answers; nil while no round runs.
    var round: [Int64]?
    var forcePoll = false
    var pollRequests: [Int64] = []
    /// `.run` requests read with the polls, handed to the next pipeline advance.
    var runRequests: [ControlRequest] = []
    /// The ids of the `.run` requests the advance in flight was handed: a read meanwhile finds
    /// them still pending and must not hand them over twice.
    var runRequestsInFlight: Set<Int64> = []
    /// The stop signal's name once one arrived, and whether the graceful shutdown began.
    var stopSignal: String?
    var stopping = false
    /// The flag that tells the pipeline advance in progress to begin no further step; nil when
    /// none is in progress.
    var pipeline: CancellationFlag?
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
    /// The sleep that ends in `.wake`, and the instant it is set for.
    var alarm: (task: Task<Void, Never>, at: ContinuousClock.Instant)?

    /// Set the moment SIGTERM or SIGINT is read (`DaemonSignals`), before its event reaches
    /// this loop: a stop signal that arrived during start-up is seen before the first round or
    /// step begins, not after. From then on nothing new starts.
    let stopRequested: CancellationFlag

    init(
        configuration: Configuration, store: Store, options: Daemon.Options, logger: Logger,
        notifier: SystemdNotifier, health: WorkHealth, events: AsyncStream<DaemonEvent>,
        continuation: AsyncStream<DaemonEvent>.Continuation, stopRequested: CancellationFlag
    ) {
        self.stopRequested = stopRequested
        self.configuration = configuration
        self.store = store
        self.options = options
        self.logger = logger
        self.notifier = notifier
        self.health = health
        self.events = events
        self.continuation = continuation
        watcher = Watcher(
            configuration: configuration, store: store, surroundings: options.surroundings, logger: logger)
    }

    /// Runs until the group's graceful shutdown and the end of the work in flight, or until the
    /// group cancels it.
    func run() async {
        var loop = self
        await loop.serve()
    }

    private mutating func serve() async {
        let started = options.surroundings.uptime()
        let continuation = self.continuation
        await withGracefulShutdownHandler {
            await withDiscardingTaskGroup { work in
                refreshDues(now: watcher.surroundings.now())
                handleRequests()
                notifier.send(.ready)
                notifier.send(.status("started; polling \(configuration.feeds.count) feeds"))
                var iterator = events.makeAsyncIterator()
                while true {
                    // A stop signal also tells the pipeline advance in flight to begin no further step.
                    if stopRequested.isCancelled { pipeline?.cancel() }
                    if stopping {
                        if round == nil && pipeline == nil { break }
                    } else if !stopRequested.isCancelled {
                        startRoundIfDue(in: &work)
                        if let due = outboxDue, due <= watcher.surroundings.now() {
                            outboxDue = nil
                            pipelineWanted = true
                        }
                        startPipelineIfWanted(in: &work)
                    }
                    arm(at: nextWake())
                    // nil once this task is cancelled: the group's stop timeout has passed.
                    guard let event = await iterator.next() else { break }
                    handle(event)
                }
                alarm?.task.cancel()
                if Task.isCancelled, round != nil || pipeline != nil {
                    // The child tasks are cancelled with this one; the group waits for them here.
                    logger.warning(
                        "\(round == nil ? "pipeline step" : "poll round") cancelled: it outlived the stop timeout",
                        metadata: ["stop_timeout": "\(configuration.daemon.stopTimeout)s"])
                }
            }
        } onGracefulShutdown: {
            continuation.yield(.shutdown)
        }
        logger.notice(
            "stopped",
            metadata: [
                "signal": "\(stopSignal ?? "-")",
                "uptime": "\(String(format: "%.3f", options.surroundings.seconds(since: started)))s",
            ])
    }

    // MARK: events

    private mutating func handle(_ event: DaemonEvent) {
        switch event {
        case .poll:
            pipelineWanted = true
            guard !stopping else { return }
            forcePoll = true
            handleRequests()
        case .reload:
            guard !stopping else { return }
            reload()
        case .stopSignal(let name):
            // The group's graceful shutdown (`.shutdown`) follows; `stopRequested` keeps new work
            // from starting in between.
            stopSignal = stopSignal ?? name
        case .shutdown:
            beginStop()
        case .roundFinished(let summary):
            round = nil
            health.roundEnded()
            pipelineWanted = true
            for outcome in summary.outcomes { jitters[outcome.feed] = nil }
            let now = watcher.surroundings.now()
            refreshDues(now: now)
            keepApart(summary.outcomes.map(\.feed), now: now)
            // Once per round, so a request whose signal never came (or whose "handled" write
            // failed) is still taken up.
            handleRequests()
            notifier.send(.status(summary.status))
        case .pipelineFinished:
            pipeline = nil
            runRequestsInFlight = []
            outboxDue = (try? store.nextOutboxAttempt()) ?? nil
        case .wake:
            alarm = nil
        case .heartbeat(let number):
            health.answer(number)
        }
    }

    /// Pending requests: a poll joins the next (forced) round and is marked handled by it; a
    /// run is left to the next pipeline advance, which marks it handled with the run it created.
    private mutating func handleRequests() {
        let pending = PendingRequests.read(from: store, logger: logger)
        let newRuns = pending.runs.filter { !runRequests.contains($0) && !runRequestsInFlight.contains($0.id) }
        runRequests += newRuns
        if !newRuns.isEmpty { pipelineWanted = true }
        let inFlight = Set(round ?? [])
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
            if loaded.daemon.stopTimeout != configuration.daemon.stopTimeout {
                logger.warning(
                    "daemon.stop_timeout changes only at restart",
                    metadata: [
                        "in_force": "\(configuration.daemon.stopTimeout)s",
                        "configured": "\(loaded.daemon.stopTimeout)s",
                    ])
                loaded.daemon.stopTimeout = configuration.daemon.stopTimeout
            }
            configuration = loaded
            verdictsWanted = "reload"
            watcher = Watcher(configuration: loaded, store: store, surroundings: options.surroundings, logger: logger)
            jitters = jitters.filter { name, _ in loaded.feeds.contains { $0.name == name } }
            refreshDues(now: watcher.surroundings.now())
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

    private mutating func beginStop() {
        guard !stopping else { return }
        stopping = true
        let reason = stopSignal ?? "graceful shutdown"
        notifier.send(.stopping)
        notifier.send(.status("stopping (\(reason))"))
        pipeline?.cancel()
        logger.notice(
            "stopping",
            metadata: [
                "signal": "\(reason)", "round_running": "\(round != nil)",
                "step_running": "\(pipeline != nil)", "stop_timeout": "\(configuration.daemon.stopTimeout)s",
            ])
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

    private mutating func startRoundIfDue(in work: inout DiscardingTaskGroup) {
        guard round == nil else { return }
        let now = watcher.surroundings.now()
        let force = forcePoll
        let feeds = force ? configuration.feeds : configuration.feeds.filter { (dues[$0.name] ?? now) <= now }
        guard !feeds.isEmpty else {
            if let reason = verdictsWanted { startRederiving(reason, in: &work) }
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
        roundWatcher.client = watcher.client.reportingTransfers { [health] in health.progressed() }
        let performer = DaemonRound(watcher: roundWatcher, logger: logger)
        start(answering: requests, in: &work) {
            await performer.perform(feeds: feeds, force: force, requests: requests)
        }
    }

    /// Derives the verdicts from the store in the place of a round (the watchdog and the stop
    /// treat it as one), so the pipeline advance that follows it sees them.
    private mutating func startRederiving(_ reason: String, in work: inout DiscardingTaskGroup) {
        verdictsWanted = nil
        let performer = DaemonRound(watcher: watcher, logger: logger)
        start(answering: [], in: &work) { await performer.rederive(reason: reason) }
    }

    /// Runs `round` as the round in flight, answering `requests`; its end comes back as an event.
    private mutating func start(
        answering requests: [Int64], in work: inout DiscardingTaskGroup,
        _ round: @escaping @Sendable () async -> DaemonRoundSummary
    ) {
        let continuation = self.continuation
        work.addTask { continuation.yield(.roundFinished(await round())) }
        self.round = requests
        health.roundStarted()
    }

    /// Advances the runs in a task of its own, so signals and the watchdog are served while a
    /// step (a build, a download) takes its time.
    private mutating func startPipelineIfWanted(in work: inout DiscardingTaskGroup) {
        guard pipelineWanted, pipeline == nil else { return }
        pipelineWanted = false
        let stop = CancellationFlag()
        var executor = StepExecutor(
            stateDirectory: configuration.stateDirectory, client: watcher.client, logger: logger,
            dryRun: options.dryRun, environment: options.environment)
        executor.stopFlag = stop
        let runner = PipelineRunner(
            configuration: configuration, store: store, logger: logger, executor: executor,
            stopFlag: stop, dryRun: options.dryRun, surroundings: watcher.surroundings)
        let continuation = self.continuation
        let requests = runRequests
        runRequests = []
        runRequestsInFlight = Set(requests.map(\.id))
        work.addTask {
            await runner.advance(now: runner.surroundings.now(), runRequests: requests)
            continuation.yield(.pipelineFinished)
        }
        pipeline = stop
    }

    // MARK: sleep

    /// The next wall-clock time the loop has something to start: a message to retry (unless an
    /// advance is in flight) or a feed due (unless a round is).
    private func nextWake() -> Date? {
        guard !stopping else { return nil }
        return [pipeline == nil ? outboxDue : nil, round == nil ? dues.values.min() : nil].compactMap { $0 }.min()
    }

    /// Makes sure a `.wake` comes no later than `due` by the injected clock (and within
    /// `longestSleep`). An alarm already set for that instant or earlier stays; it may wake the
    /// loop early, which only makes it look again.
    private mutating func arm(at due: Date?) {
        guard let due else { return }
        let seconds = max(0, due.timeIntervalSince(watcher.surroundings.now()))
        let target = min(ContinuousClock.now + .milliseconds(Int64(seconds * 1000)), .now + Self.longestSleep)
        if let alarm, alarm.at <= target { return }
        alarm?.task.cancel()
        let continuation = self.continuation
        let task = Task {
            try? await Task.sleep(until: target, clock: .continuous)
            if !Task.isCancelled { continuation.yield(.wake) }
        }
        alarm = (task, target)
    }
}

/// What wakes the daemon's loop. The `SignalService`, the `WatchdogService`, the loop's own round
/// and pipeline tasks, its alarm and the service group's graceful shutdown all feed one stream,
/// which the loop alone reads, so the loop's state has a single writer.
enum DaemonEvent: Sendable, Hashable {
    /// SIGUSR1: poll every feed now, handle the pending requests, advance the runs.
    case poll
    /// SIGHUP: re-read the configuration.
    case reload
    /// SIGTERM or SIGINT arrived (its name, for the log and `STATUS=`); the group's graceful
    /// shutdown follows it.
    case stopSignal(String)
    /// The service group asks the loop to shut down gracefully.
    case shutdown
    /// The poll round in flight ended.
    case roundFinished(DaemonRoundSummary)
    /// The pipeline advance in flight ended.
    case pipelineFinished
    /// The instant the loop asked to be woken at has come.
    case wake
    /// The `WatchdogService` asks whether the loop still turns: answering it lets the next ping go.
    case heartbeat(UInt64)
}
