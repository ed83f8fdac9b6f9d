import ArgumentParser
import OSSLWatch

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
