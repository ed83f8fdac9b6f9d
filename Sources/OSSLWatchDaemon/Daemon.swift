import Foundation
public import Logging
import OSSLWatch
public import OSSLWatchCore
import OSSLWatchCore
import OSSLWatchStore

/// `osslwatch run`: polls every feed on its own interval until SIGTERM or SIGINT, as a
/// systemd `Type=notify` service (see `SystemdNotifier`) or in a terminal.
///
/// The store is opened once and shared with the CLI, which asks for work by writing a request
/// there and sending SIGUSR1. Before the store opens, the daemon takes the state directory's
/// `StateLock` and holds it until it ends: a second daemon on the same store exits at once
/// (75) instead of taking the first one's running steps for crashed ones. The pid file is
/// written once the store is open and removed on the way out; a stale one (from a killed
/// daemon) is simply replaced.
public struct Daemon: Sendable {
    /// What the command line and the environment decide.
    public struct Options: Sendable {
        /// The configuration file, re-read on SIGHUP.
        public var configPath: String
        public var pidFilePath: String
        public var environment: [String: String]
        /// Whether the executable's pre-init function blocked the signals before any thread existed.
        public var signalsBlockedEarly: Bool
        /// `--dry-run`: command steps of every run print their argv and environment instead of running.
        public var dryRun: Bool

        public init(
            configPath: String, pidFilePath: String, environment: [String: String], signalsBlockedEarly: Bool,
            dryRun: Bool = false
        ) {
            self.configPath = configPath
            self.pidFilePath = pidFilePath
            self.environment = environment
            self.signalsBlockedEarly = signalsBlockedEarly
            self.dryRun = dryRun
        }
    }

    public let options: Options
    public let logger: Logger
    /// Fed by `SignalListener`, which the command starts before it does anything else.
    public let inbox: DaemonInbox

    public init(options: Options, logger: Logger, inbox: DaemonInbox) {
        self.options = options
        self.logger = logger
        self.inbox = inbox
    }

    /// Runs until SIGTERM or SIGINT; returns after a clean stop, throws when it cannot start.
    public func run(configuration: Configuration) async throws(DaemonError) {
        let pid = getpid()
        let watchdog = WatchdogSettings(environment: options.environment, pid: pid)
        let notifier = SystemdNotifier(environment: options.environment)
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
                "signals_blocked_early": "\(options.signalsBlockedEarly)",
                "signals_installed_at": "\(SignalListener.installedAtNanoseconds)ns",
                "notify_socket": "\(notifier.isActive ? options.environment["NOTIFY_SOCKET"] ?? "" : "")",
                "watchdog": "\(watchdog.map { "\($0.timeoutMicroseconds)us" } ?? "")",
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
        let started = ContinuousClock.now
        defer { withExtendedLifetime(lock) {} }
        var loop = DaemonLoop(
            configuration: configuration, store: store, options: options, logger: logger, inbox: inbox,
            notifier: notifier, watchdog: watchdog)
        await loop.run()
        logger.notice(
            "stopped",
            metadata: [
                "signal": "\(loop.stopping.map { SignalListener.name($0.signal) } ?? "-")",
                "uptime": "\(String(format: "%.3f", (ContinuousClock.now - started).seconds))s",
            ])
    }

    /// "name=300s,other=3600s": the feeds and their intervals for a log line.
    static func describe(_ feeds: [FeedSettings]) -> String {
        feeds.map { "\($0.name)=\(Int($0.interval))s" }.joined(separator: ",")
    }
}
