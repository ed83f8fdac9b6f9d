import ArgumentParser
import OSSLWatch

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
