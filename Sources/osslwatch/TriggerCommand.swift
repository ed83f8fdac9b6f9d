import ArgumentParser
import Foundation
import OSSLWatch
import OSSLWatchCore
import OSSLWatchStore

struct TriggerCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "trigger",
        abstract: "Ask the running daemon to poll every feed now, or to run for a given OpenSSL version.",
        discussion: """
            Records a request in the state store, then sends SIGUSR1 to the daemon that holds the \
            state directory's lock (daemon.lock; --pid, when given, must be that process). Without --version the request is a poll of every feed; with \
            --version it is a forced run for that version (for --project, which may be left out \
            when only one project is configured). Versions are parsed strictly (3.5.4, \
            openssl-3.5.4, 1.1.1w, 3.6.0-beta1); anything else is refused and nothing is recorded.

            When no daemon holds the lock (a pid file left by a killed daemon is never trusted, \
            so a recycled pid is never signalled), the request stays recorded, is handled when `osslwatch run` next starts, \
            and trigger exits 69. `osslwatch status` lists pending requests.

            Exit status:
               0  request recorded and the daemon signalled
              64  usage: unknown project, --version without --project among several, --project without --version
              65  --version is not an OpenSSL version
              69  request recorded, but the daemon is not running (or --pid is not it)
              73  the state store cannot be opened
              77  not permitted to signal the daemon (run as its user or root)
              78  the configuration is invalid
            """
    )

    @OptionGroup var options: GlobalOptions

    @Option(name: .long, help: ArgumentHelp("Project the run is for (a configured name).", valueName: "name"))
    var project: String?

    @Option(
        name: .long,
        help: ArgumentHelp("OpenSSL version to run for; without it, poll every feed.", valueName: "version"))
    var version: String?

    @Option(
        name: .long, help: ArgumentHelp("Signal this daemon pid instead of reading the pid file.", valueName: "pid"))
    var pid: Int32?

    @OptionGroup var daemonPIDFile: PIDFileOption

    func validate() throws {
        if pid != nil, daemonPIDFile.pidFile != nil { throw ValidationError("give --pid or --pid-file, not both") }
    }

    func run() async throws {
        let configuration = try options.loadConfiguration(checkFiles: false)
        do {
            _ = try Trigger.validate(configuration: configuration, project: project, version: version)
        } catch {
            printError("osslwatch trigger: \(error)")
            throw ExitCode(error.exitStatus)
        }
        let store = try openStore(directory: configuration.stateDirectory)
        let outcome: TriggerOutcome
        do {
            outcome = try Trigger.perform(
                configuration: configuration, store: store, project: project, version: version, pid: pid,
                now: Date())
        } catch let error as StoreError {
            printError("osslwatch trigger: cannot record the request: \(error)")
            throw ExitCode(error.exitStatus)
        }
        if outcome.exitStatus == 0 {
            print(outcome.lines.joined(separator: "\n"))
        } else {
            printError(outcome.lines.map { "osslwatch trigger: \($0)" }.joined(separator: "\n"))
        }
        throw ExitCode(outcome.exitStatus)
    }
}
