import Foundation

/// A sleeping child whose kernel name (`comm`) is `osslwatch`: a copy of `/bin/sleep` under
/// that name, so PID checks and signal delivery can be tested without the daemon.
struct StandInProcess {
    let process: Process

    var pid: pid_t { process.processIdentifier }

    static func start(directory: String) throws -> StandInProcess {
        let copy = directory + "/osslwatch"
        try FileManager.default.copyItem(atPath: "/bin/sleep", toPath: copy)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: copy)
        process.arguments = ["60"]
        try process.run()
        return StandInProcess(process: process)
    }

    /// SIGKILL: the runner may pass SIGTERM on ignored, and an ignored signal stays ignored across exec.
    func stop() {
        if process.isRunning { kill(pid, SIGKILL) }
        process.waitUntilExit()
    }
}
