import Foundation
public import Logging
public import OSSLWatch
public import OSSLWatchCore
import OSSLWatchStore
import ServiceLifecycle

/// `osslwatch run`: polls every feed on its own interval until SIGTERM or SIGINT, as a
/// systemd `Type=notify` service (see `SystemdNotifier`) or in a terminal.
///
/// Its lifecycle is swift-service-lifecycle's: a `ServiceGroup` of the `SignalService`, the
/// `DaemonLoop` and, under a systemd watchdog, the `WatchdogService`. A stop signal ends the
/// signal service, the group shuts the loop down gracefully (no new round or step; the ones in
/// flight finish), cancels it once that outlives `daemon.stop_timeout`, then ends the watchdog.
///
/// The store is opened once and shared with the CLI, which asks for work by writing a request
/// there and sending SIGUSR1. Before the store opens, the daemon takes the state directory's
/// `StateLock` and holds it until it ends: a second daemon on the same store exits at once
/// (75) instead of taking the first one's running steps for crashed ones. The lock is taken only
/// after the signal handlers are installed (`DaemonSignals`), since it is how `osslwatch
/// trigger` finds the daemon. The pid file is written once the store is open and removed on the
/// way out; a stale one (from a killed daemon) is simply replaced.
public struct Daemon: Sendable {
    /// What the command line and the environment decide.
    public struct Options: Sendable {
        /// The configuration file, re-read on SIGHUP.
        public var configPath: String
        public var pidFilePath: String
        public var environment: [String: String]
        /// `--dry-run`: command steps of every run print their argv and environment instead of running.
        public var dryRun: Bool
        /// The clocks and environment every round and step is given: the machine's (read here,
        /// at the entry point, with `environment`) unless the caller hands in others.
        public var surroundings: Surroundings

        public init(
            configPath: String, pidFilePath: String, environment: [String: String], dryRun: Bool = false,
            surroundings: Surroundings? = nil
        ) {
            self.configPath = configPath
            self.pidFilePath = pidFilePath
            self.environment = environment
            self.dryRun = dryRun
            self.surroundings = surroundings ?? .system(environment: environment)
        }
    }

    /// After the group cancels work that outlived `daemon.stop_timeout`, how long the work may
    /// take to notice: a cancelled command's whole group must be gone (grace, SIGKILL, wait) and
    /// its step recorded. Work still running after that is a bug, and the group ends the process
    /// (swift-service-lifecycle's `maximumCancellationDuration` traps) rather than hang.
    static let cancelGrace = CommandRunner.longestStop + .seconds(2)

    public let options: Options
    public let logger: Logger
    /// Installed by the command before it does anything else.
    public let signals: DaemonSignals

    public init(options: Options, logger: Logger, signals: DaemonSignals) {
        self.options = options
        self.logger = logger
        self.signals = signals
    }

    /// Runs until SIGTERM or SIGINT; returns after a clean stop, throws when it cannot start.
    public func run(configuration: Configuration) async throws(DaemonError) {
        let pid = getpid()
        let watchdog = WatchdogSettings(environment: options.environment, pid: pid)
        let notifier = SystemdNotifier(environment: options.environment)
        // The first word to systemd, before the lock, the store and the first round: a stop
        // signal from here on begins no round (`DaemonSignals`).
        notifier.send(.status("starting"))
        let lock: StateLock
        do {
            lock = try StateLock.acquire(directory: configuration.stateDirectory)
        } catch {
            throw DaemonError(.stateLocked(error), error.description)
        }
        logger.notice(
            "starting",
            metadata: [
                "pid": "\(pid)", "config": "\(options.configPath)", "state_dir": "\(configuration.stateDirectory)",
                "pid_file": "\(options.pidFilePath)", "lock": "\(lock.path)",
                "feeds": "\(Self.describe(configuration.feeds))",
                "projects": "\(configuration.projects.map(\.name).joined(separator: ","))",
                "notify_socket": "\(notifier.isActive ? options.environment["NOTIFY_SOCKET"] ?? "" : "")",
                "watchdog": "\(watchdog.map { "\($0.timeoutMicroseconds)us" } ?? "")",
                "stop_timeout": "\(configuration.daemon.stopTimeout)s",
            ])
        // Descendants that left their command's group come back here when orphaned.
        Subreaper.adoptOrphans(logger: logger)
        if let watchdog, watchdog.timeout <= .seconds(configuration.http.timeout) {
            // The pings follow the round's transfers, each bounded by http.timeout.
            logger.warning(
                "the watchdog timeout is not above http.timeout: a slow transfer that is still within its bound stops the pings",
                metadata: ["watchdog": "\(watchdog.timeout)", "http_timeout": "\(configuration.http.timeout)s"])
        }
        let store: Store
        do {
            store = try Store(directory: configuration.stateDirectory)
        } catch {
            throw DaemonError(.cannotOpenStore, "cannot open the state store: \(error)")
        }
        defer { store.close() }
        let pidFile = PIDFile(path: options.pidFilePath)
        do {
            try pidFile.write(pid: pid)
        } catch {
            throw DaemonError(.cannotWritePIDFile, "cannot write the pid file \(options.pidFilePath): \(error)")
        }
        defer { pidFile.remove() }
        defer { withExtendedLifetime(lock) {} }
        let (events, continuation) = AsyncStream.makeStream(of: DaemonEvent.self)
        let health = WorkHealth()
        let loop = DaemonLoop(
            configuration: configuration, store: store, options: options, logger: logger, notifier: notifier,
            health: health, events: events, continuation: continuation, stopRequested: signals.stopRequested)
        let group = ServiceGroup(
            configuration: Self.groupConfiguration(
                loop: loop,
                signals: SignalService(signals: signals, events: continuation, logger: logger),
                watchdog: watchdog.map {
                    WatchdogService(
                        settings: $0, health: health, notifier: notifier, events: continuation, logger: logger)
                }, settings: configuration.daemon, logger: logger))
        do {
            try await group.run()
        } catch {
            throw DaemonError(.stoppedUnexpectedly, "the daemon stopped unexpectedly: \(error)")
        }
    }

    /// The group: the signal service, whose end (a stop signal) shuts the group down gracefully;
    /// the loop, which is given `daemon.stop_timeout` for that before it is cancelled, and
    /// `cancelGrace` more to notice the cancellation; the watchdog, if any, listed first so that
    /// it is shut down last and pings while the loop finishes. The group traps no signal itself:
    /// the handlers must exist before the lock is taken, and it would install its own only when
    /// it runs.
    static func groupConfiguration(
        loop: any Service, signals: any Service, watchdog: (any Service)?, settings: DaemonSettings, logger: Logger
    ) -> ServiceGroupConfiguration {
        var services: [ServiceGroupConfiguration.ServiceConfiguration] = [
            .init(service: loop, serviceName: "loop"),
            .init(service: signals, successTerminationBehavior: .gracefullyShutdownGroup, serviceName: "signals"),
        ]
        if let watchdog { services.insert(.init(service: watchdog, serviceName: "watchdog"), at: 0) }
        var configuration = ServiceGroupConfiguration(
            services: services, gracefulShutdownSignals: [], cancellationSignals: [], logger: logger)
        configuration.maximumGracefulShutdownDuration = .milliseconds(Int64(settings.stopTimeout * 1000))
        configuration.maximumCancellationDuration = cancelGrace
        return configuration
    }

    /// "name=300s,other=3600s": the feeds and their intervals for a log line.
    static func describe(_ feeds: [FeedSettings]) -> String {
        feeds.map { "\($0.name)=\(Int($0.interval))s" }.joined(separator: ",")
    }
}

/// Why `osslwatch run` could not start; the message is one line for the log and the terminal.
public typealias DaemonError = OneLineError<DaemonErrorCode>

/// The codes of `DaemonError`, for the callers that branch on them.
public enum DaemonErrorCode: Sendable, Hashable {
    case cannotOpenStore
    case cannotWritePIDFile
    /// The service group ended with an error instead of a clean stop.
    case stoppedUnexpectedly
    /// Another daemon holds the state directory's lock (or the lock could not be taken).
    case stateLocked(StateLockError)
}

extension DaemonError {
    /// sysexits: EX_TEMPFAIL (75) while another daemon holds the store; EX_SOFTWARE (70) when
    /// the service group failed; otherwise EX_CANTCREAT (73), a file the service needs could not
    /// be created.
    public var exitCode: Int32 {
        switch code {
        case .stateLocked(let error): error.exitStatus
        case .stoppedUnexpectedly: 70
        case .cannotOpenStore, .cannotWritePIDFile: 73
        }
    }
}
