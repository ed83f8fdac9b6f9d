import ArgumentParser
import OSSLWatch

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
