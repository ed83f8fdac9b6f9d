import Foundation
import OSSLWatch

/// A child whose kernel name (`comm`) is `osslwatch`: a Python script under that name that
/// appends a line to `received` for each SIGUSR1, and, when asked, holds a state directory's
/// lock as the daemon does. Tests PID checks and signal delivery without the daemon.
struct StandInProcess {
    let process: Process
    /// One `USR1` line per signal received.
    let received: String

    var pid: pid_t { process.processIdentifier }

    static let script = """
        #!/usr/bin/python3
        import fcntl, os, signal, sys, time
        # The test runner may pass signals on blocked or ignored; take SIGUSR1 back.
        signal.pthread_sigmask(signal.SIG_UNBLOCK, [signal.SIGUSR1, signal.SIGTERM])
        def note(number, frame):
            with open(sys.argv[1], "a") as out:
                out.write("USR1\\n")
        signal.signal(signal.SIGUSR1, note)
        if len(sys.argv) > 2:
            lock = os.open(sys.argv[2], os.O_RDWR | os.O_CREAT, 0o600)
            fcntl.lockf(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        open(sys.argv[1] + ".ready", "w").close()
        while True:
            time.sleep(0.05)

        """

    /// Starts the stand-in and waits (up to 10 s) until its handler is installed (and it holds
    /// the lock of `lockDirectory`, when given).
    static func start(directory: String, holdingLockOf lockDirectory: String? = nil) throws -> StandInProcess {
        let executable = directory + "/osslwatch"
        try script.write(toFile: executable, atomically: true, encoding: .utf8)
        try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: executable)
        let received = directory + "/received"
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = [received] + (lockDirectory.map { [StateLock.path(in: $0)] } ?? [])
        try process.run()
        let standIn = StandInProcess(process: process, received: received)
        let deadline = Date() + 10
        while !FileManager.default.fileExists(atPath: received + ".ready") {
            guard Date() < deadline, process.isRunning else {
                standIn.stop()
                throw Failure(description: "the stand-in did not start")
            }
            usleep(10_000)
        }
        return standIn
    }

    struct Failure: Error, CustomStringConvertible {
        let description: String
    }

    /// How many SIGUSR1 the stand-in has recorded.
    var signalsReceived: Int {
        ((try? String(contentsOfFile: received, encoding: .utf8)) ?? "").split(separator: "\n").count
    }

    /// Waits up to `timeout` seconds for at least `count` signals; returns how many arrived.
    func waitForSignals(_ count: Int, timeout: TimeInterval = 10) -> Int {
        let deadline = Date() + timeout
        while signalsReceived < count, Date() < deadline { usleep(10_000) }
        return signalsReceived
    }

    /// SIGKILL: the runner may pass SIGTERM on ignored, and an ignored signal stays ignored across exec.
    func stop() {
        if process.isRunning { kill(pid, SIGKILL) }
        process.waitUntilExit()
    }
}
