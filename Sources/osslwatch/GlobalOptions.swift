import ArgumentParser
import Foundation
import Logging
import OSSLWatch
import OSSLWatchCore
import OSSLWatchDaemon

/// Options every command that reads the configuration shares.
struct GlobalOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp("Configuration file.", valueName: "path"))
    var config: String = ConfigLoader.defaultPath

    @Option(
        name: .long,
        help: ArgumentHelp(
            "Least severe log level written to standard error.", valueName: "level"))
    var logLevel: LogLevel = LogLevel(.notice)

    /// Loads and validates the configuration, or ends the process with EX_CONFIG and one line.
    ///
    /// `checkFiles: false` is for commands that only read or change the state store (runs,
    /// drafts, approvals, status, trigger): a pin file briefly absent while someone switches
    /// branches in the downstream checkout must not stop them.
    func loadConfiguration(checkFiles: Bool = true) throws -> Configuration {
        do {
            return try ConfigLoader.load(
                path: config, environment: ProcessInfo.processInfo.environment,
                options: ConfigLoader.Options(checkFiles: checkFiles))
        } catch {
            printError("osslwatch: \(error)", journalPriority: LOG_ERR)
            throw ExitCode(78)
        }
    }

    func makeLogger() -> Logger {
        let level = logLevel.level
        let journald = LineLogHandler.isJournalStream(environment: ProcessInfo.processInfo.environment)
        LoggingSystem.bootstrap { _ in LineLogHandler(level: level, journald: journald) }
        return Logger(label: "osslwatch")
    }
}

/// `--pid-file`: the file `run` writes. The commands that signal the daemon accept it (scripts
/// pass it) but find the daemon through the state directory's `StateLock`, which a recycled
/// pid cannot fake.
struct PIDFileOption: ParsableArguments {
    @Option(
        name: .long,
        help: ArgumentHelp(
            "Pid file the daemon writes for people and tools (default: $RUNTIME_DIRECTORY/osslwatch.pid, else "
                + "/run/osslwatch/osslwatch.pid). Other commands accept it but find the daemon through the lock on "
                + "its state directory, never through this file.",
            valueName: "path"))
    var pidFile: String?

    /// The path given, else the default the daemon uses in this environment.
    var path: String { pidFile ?? PIDFile.defaultPath(environment: ProcessInfo.processInfo.environment) }

    /// The pid file at `path`.
    var file: PIDFile { PIDFile(path: path) }
}

/// A swift-log level as a command-line value (`--log-level info`).
struct LogLevel: ExpressibleByArgument {
    let level: Logger.Level

    init(_ level: Logger.Level) { self.level = level }

    init?(argument: String) {
        guard let level = Logger.Level(rawValue: argument.lowercased()) else { return nil }
        self.level = level
    }

    var defaultValueDescription: String { level.rawValue }

    static var allValueStrings: [String] { Logger.Level.allCases.map(\.rawValue) }
}

/// Writes one line to standard error.
///
/// With `journalPriority` (a syslog priority such as `LOG_ERR`), when standard error is
/// systemd's journal stream the line carries it, so the reason a service stopped is marked in
/// `systemctl status` and shown by `journalctl -p err`; a terminal sees the line unchanged.
func printError(_ message: String, journalPriority: Int32? = nil) {
    var line = message
    if let journalPriority, LineLogHandler.isJournalStream(environment: ProcessInfo.processInfo.environment) {
        line = "<\(journalPriority)>" + message
    }
    FileHandle.standardError.write(Data((line + "\n").utf8))
}
