import ArgumentParser
import Foundation
import OSSLWatch
import OSSLWatchCore
import OSSLWatchStore

struct ApproveCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "approve",
        abstract: "Pass a run's approval gate (the one waiting, or --step S).",
        discussion:
            "An approval step holds its run until a human approves it here (the release gate, the send gate).\n\n"
            + RunChangeOptions.exitStatus
    )

    @OptionGroup var change: RunChangeOptions

    @Option(name: .long, help: ArgumentHelp("The approval step to pass (default: the one waiting).", valueName: "step"))
    var step: String?

    func run() async throws {
        try change.perform(.approve(step: step))
    }
}

struct RetryCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "retry",
        abstract: "Run a failed or needs-attention step again.",
        discussion: """
            A step waits in needs-attention when the daemon stopped while it ran and it is not \
            idempotent: check whether its effect happened, then retry it (it did not) or skip it \
            (it did). A done step never runs again.

            """ + RunChangeOptions.exitStatus
    )

    @OptionGroup var change: RunChangeOptions

    @Argument(help: ArgumentHelp("The step's name (from `osslwatch runs show RUN`).", valueName: "step"))
    var step: String

    func run() async throws {
        try change.perform(.retry(step: step))
    }
}

struct SkipCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "skip",
        abstract: "Mark a step skipped (pending, failed, needs-attention or waiting) so the run moves past it.",
        discussion: "A running or done step cannot be skipped.\n\n" + RunChangeOptions.exitStatus
    )

    @OptionGroup var change: RunChangeOptions

    @Argument(help: ArgumentHelp("The step's name (from `osslwatch runs show RUN`).", valueName: "step"))
    var step: String

    func run() async throws {
        try change.perform(.skip(step: step))
    }
}

struct CancelCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "cancel",
        abstract: "Stop a run for good; none of its steps runs again.",
        discussion: "A run that is done, failed, cancelled or superseded cannot be cancelled.\n\n"
            + RunChangeOptions.exitStatus
    )

    @OptionGroup var change: RunChangeOptions

    func run() async throws {
        try change.perform(.cancel)
    }
}

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
        let (configuration, store) = try options.openStore()
        let updated: RunRecord
        do {
            updated = try RunChange.apply(action, run: run, store: store, now: Date())
        } catch {
            printError("osslwatch \(action.verb): \(error)")
            throw ExitCode(error.exitStatus)
        }
        let step = action.step.map { " for step \($0)" } ?? ""
        try signalDaemon(
            recorded: "run \(updated.id): \(action.verb) recorded\(step); run is \(updated.state.rawValue)",
            command: "osslwatch \(action.verb)",
            stateDirectory: configuration.stateDirectory, now: "it acts on the change now",
            later: "the change applies")
    }
}

/// Tells the daemon of `stateDirectory` about a change recorded in its store, and the operator
/// what was recorded and how the daemon heard of it (`now`: what it does at once; `later`: what
/// happens when it next starts). Returns when the daemon was signalled or is not running (the
/// change waits in the store for its start); ends with the delivery's status (69, 77) when a
/// daemon may run but could not be signalled.
func signalDaemon(recorded what: String, command: String, stateDirectory: String, now: String, later: String) throws {
    switch Trigger.deliver(pid: nil, stateDirectory: stateDirectory) {
    case .signalled(let pid):
        print("\(what)\nsent SIGUSR1 to the osslwatch daemon (pid \(pid)); \(now)")
    case .notRunning(let reason):
        print("\(what)\nthe daemon is not running (\(reason)); \(later) when `osslwatch run` next starts")
    case .failed(let reason, let status):
        printError(
            "\(command): \(what)\n\(command): could not signal the daemon: \(reason); "
                + "it sees the change at its next round or start")
        throw ExitCode(status)
    }
}
