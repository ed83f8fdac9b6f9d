import ArgumentParser
import Foundation
import Logging
import OSSLWatch

/// Options every command that reads the configuration shares.
struct GlobalOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp("Configuration file.", valueName: "path"))
    var config: String = ConfigLoader.defaultPath

    @Option(
        name: .long,
        help: ArgumentHelp(
            "Log level on standard error: trace, debug, info, notice, warning, error, critical.", valueName: "level"))
    var logLevel: Logger.Level = .notice

    /// Loads and validates the configuration, or ends the process with EX_CONFIG and one line.
    func loadConfiguration() throws -> Configuration {
        do {
            return try ConfigLoader.load(path: config, environment: ProcessInfo.processInfo.environment)
        } catch {
            printError("osslwatch: \(error)")
            throw ExitCode(78)
        }
    }

    func makeLogger() -> Logger {
        let level = logLevel
        let journald = LineLogHandler.isJournalStream()
        LoggingSystem.bootstrap { _ in LineLogHandler(level: level, journald: journald) }
        return Logger(label: "osslwatch")
    }
}

extension Logger.Level: @retroactive ExpressibleByArgument {}

/// Writes one line to standard error.
func printError(_ message: String) {
    FileHandle.standardError.write(Data((message + "\n").utf8))
}
