import Foundation

/// A running `osslwatch run`: the real binary as a child, its standard error in a file.
final class DaemonProcess {
    struct Failure: Error, CustomStringConvertible {
        let description: String
    }

    let process: Process
    let logPath: String

    init(arguments: [String], environment: [String: String], logPath: String) throws {
        self.logPath = logPath
        _ = FileManager.default.createFile(atPath: logPath, contents: nil)
        guard let log = FileHandle(forWritingAtPath: logPath) else {
            throw Failure(description: "cannot open \(logPath)")
        }
        process = Process()
        process.executableURL = URL(fileURLWithPath: OSSLWatchBinary.path)
        process.arguments = arguments
        var env = ProcessInfo.processInfo.environment
        for key in [
            "CREDENTIALS_DIRECTORY", "STATE_DIRECTORY", "RUNTIME_DIRECTORY", "NOTIFY_SOCKET", "WATCHDOG_USEC",
            "WATCHDOG_PID", "JOURNAL_STREAM",
        ] {
            env.removeValue(forKey: key)
        }
        for (key, value) in environment { env[key] = value }
        process.environment = env
        process.standardInput = FileHandle.nullDevice
        process.standardOutput = log
        process.standardError = log
        try process.run()
        try log.close()
    }

    deinit {
        if process.isRunning { kill(process.processIdentifier, SIGKILL) }
    }

    var pid: pid_t { process.processIdentifier }

    func send(_ signal: Int32) {
        kill(pid, signal)
    }

    /// Everything the daemon logged so far.
    var log: String { (try? String(contentsOfFile: logPath, encoding: .utf8)) ?? "" }

    /// The log lines that contain `text`.
    func logLines(containing text: String) -> [String] {
        log.split(separator: "\n").map(String.init).filter { $0.contains(text) }
    }

    /// Waits for the process to end; returns false if it is still running at the deadline.
    func waitForExit(timeout: Duration) -> Bool {
        Wait.until(timeout: timeout) { !process.isRunning }
    }

    /// Whether it exited by itself with status 0 (not killed by a signal).
    var exitedCleanly: Bool {
        !process.isRunning && process.terminationReason == .exit && process.terminationStatus == 0
    }

    var exitDescription: String {
        process.isRunning
            ? "still running"
            : "\(process.terminationReason == .exit ? "exit" : "signal") \(process.terminationStatus)"
    }
}

/// Polling with a deadline: tests wait for conditions, never for fixed times.
enum Wait {
    /// Checks `condition` every 10 ms until it holds (true) or `timeout` passes (false).
    static func until(timeout: Duration, _ condition: () throws -> Bool) rethrows -> Bool {
        let deadline = ContinuousClock.now + timeout
        while true {
            if try condition() { return true }
            if ContinuousClock.now >= deadline { return false }
            Thread.sleep(forTimeInterval: 0.01)
        }
    }
}
