import ArgumentParser
import Foundation
import Logging
import OSSLWatch
import OSSLWatchDaemon

struct RunCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Run as a service: poll every feed on its interval until stopped.",
        discussion: """
            Each feed is polled on its own interval plus up to daemon.jitter of it, after errors \
            with backoff, never before a server's Retry-After. After each poll round the verdicts \
            are saved in the store. A feed that fails is logged and retried; it never stops the service.

            Signals:
              SIGUSR1          poll every feed now and handle the requests `osslwatch trigger` left
              SIGHUP           re-read the configuration; a valid one replaces the old at once, an \
            invalid one is logged and ignored
              SIGTERM, SIGINT  stop: start no new poll or step, wait up to daemon.stop_timeout for the \
            running ones, cancel what is left (a command's process group is stopped), then exit 0

            Under systemd (Type=notify) it reports READY=1, STATUS=, RELOADING=1, STOPPING=1 \
            and WATCHDOG=1 on $NOTIFY_SOCKET. The pid file is written once the state store is open \
            and removed at exit.

            One daemon per state directory: it holds <state_directory>/daemon.lock while it runs, \
            and a second one exits at once with 75, naming the first one's pid.

            Exit status: 0 after a stop signal; 78 for an invalid configuration; 73 when the \
            state store or the pid file cannot be created; 75 when another daemon holds the \
            state directory; 70 when the service stopped unexpectedly.
            """
    )

    @OptionGroup var options: GlobalOptions

    @OptionGroup var daemonPIDFile: PIDFileOption

    @Flag(
        name: .long,
        help: """
            Work on a copy of the state store (removed at exit) and only log what each command and \
            update-pin step would do: nothing the service uses changes.
            """)
    var dryRun = false

    func run() async throws {
        // First of all: the daemon is found (and signalled) through its lock, taken later.
        let signals = await DaemonSignals.trap()
        var configuration = try options.loadConfiguration()
        let logger = options.makeLogger()
        let environment = ProcessInfo.processInfo.environment
        var pidFilePath = daemonPIDFile.path
        var copy: DryRunCopy?
        if dryRun {
            do {
                let made = try DryRunCopy.make(for: configuration, environment: environment)
                (copy, configuration) = made
                pidFilePath = (made.0.directory as NSString).appendingPathComponent(PIDFile.fileName)
                logger.notice(
                    "dry run: working on a copy of the store; the service's store and repositories stay as they are",
                    metadata: ["store": "\(made.0.source)", "copy": "\(made.0.directory)"])
            } catch {
                printError("osslwatch: dry run: \(error)")
                throw ExitCode(73)
            }
        }
        defer {
            do {
                try copy?.remove()
            } catch {
                printError("osslwatch: warning: cannot remove the dry run's copy \(copy?.directory ?? ""): \(error)")
            }
        }
        let daemon = Daemon(
            options: Daemon.Options(
                configPath: options.config, pidFilePath: pidFilePath,
                environment: environment, dryRun: dryRun),
            logger: logger, signals: signals)
        do {
            try await daemon.run(configuration: configuration)
        } catch {
            printError("osslwatch: \(error)")
            throw ExitCode(error.exitCode)
        }
    }
}
