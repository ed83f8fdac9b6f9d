import ArgumentParser
import Foundation
import OSSLWatch
import OSSLWatchCore

/// The part `approve`, `retry`, `skip` and `cancel` share: the run argument; record the change, signal the daemon.
struct RunChangeOptions: ParsableArguments {
    @OptionGroup var options: GlobalOptions

    @OptionGroup var daemonPIDFile: PIDFileOption

    @Argument(help: ArgumentHelp("The run's id (from `osslwatch runs`).", valueName: "run"))
    var run: Int64

    /// The help text every change command ends with.
    static let exitStatus = """
        The change is recorded in the state store first, then the daemon holding the state \
        directory's lock gets SIGUSR1 and acts on it at once. When the daemon is not running the change \
        stays recorded and applies when `osslwatch run` next starts; the command still exits 0.

        Exit status:
           0  change recorded (daemon signalled, or not running)
          64  usage: RUN is not a number, a missing argument
          65  no such run or step, or the change is not allowed in the current state (one line \
        naming it)
          69  change recorded, but a daemon may run and could not be signalled
          73  the state store cannot be opened
          77  change recorded, but not permitted to signal the daemon (run as its user or root)
          78  the configuration is invalid
        """

    /// Records `action` on the run given on the command line and signals the daemon.
    func perform(_ action: RunChange.Action) throws {
        let configuration = try options.loadConfiguration(checkFiles: false)
        let store = try openStore(configuration)
        let updated: RunRecord
        do {
            updated = try RunChange.apply(action, run: run, store: store)
        } catch {
            printError("osslwatch \(action.verb): \(error)")
            throw ExitCode(error.exitStatus)
        }
        let outcome = RunChangeOutcome(
            action: action, run: updated,
            delivery: Trigger.deliver(pid: nil, stateDirectory: configuration.stateDirectory))
        if outcome.exitStatus == 0 {
            print(outcome.lines.joined(separator: "\n"))
        } else {
            printError(outcome.lines.map { "osslwatch \(action.verb): \($0)" }.joined(separator: "\n"))
        }
        throw ExitCode(outcome.exitStatus)
    }
}
