import Foundation
import OSSLWatchTestSupport
import Testing

/// A running `osslwatch run`: the real binary as a child, its standard output and error in a file.
///
/// Spawned with posix_spawn and a clean signal state (empty mask, default actions), as systemd
/// starts a service. Foundation's `Process` passes on the mask of the calling thread, and a
/// Swift concurrency thread blocks nearly every signal, which would hide exactly what the
/// signal tests must see.
final class DaemonProcess {
    struct Failure: Error, CustomStringConvertible {
        let description: String
    }

    let pid: pid_t
    let logPath: String
    /// CLOCK_MONOTONIC nanoseconds just before the spawn.
    let spawnedAt: Int64
    /// CLOCK_MONOTONIC nanoseconds when posix_spawn returned: the child has done its exec.
    let spawnReturnedAt: Int64
    private var status: Int32?

    /// Spawns `executable` (the osslwatch binary unless given) with `arguments`.
    init(
        arguments: [String], environment: [String: String], logPath: String, executable: String = OSSLWatchBinary.path
    ) throws {
        self.logPath = logPath
        var env = ProcessInfo.processInfo.environment
        for key in [
            "CREDENTIALS_DIRECTORY", "STATE_DIRECTORY", "RUNTIME_DIRECTORY", "NOTIFY_SOCKET", "WATCHDOG_USEC",
            "WATCHDOG_PID", "JOURNAL_STREAM",
        ] {
            env.removeValue(forKey: key)
        }
        for (key, value) in environment { env[key] = value }

        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, logPath, O_WRONLY | O_CREAT | O_TRUNC | O_APPEND, 0o644)
        posix_spawn_file_actions_adddup2(&actions, 1, 2)
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var empty = sigset_t()
        sigemptyset(&empty)
        posix_spawnattr_setsigmask(&attributes, &empty)
        var defaults = sigset_t()
        sigemptyset(&defaults)
        for signal in [SIGUSR1, SIGHUP, SIGTERM, SIGINT, SIGPIPE] { sigaddset(&defaults, signal) }
        posix_spawnattr_setsigdefault(&attributes, &defaults)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF))

        let path = executable
        let argv = ([path] + arguments).map { strdup($0) } + [nil]
        let envp = env.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer {
            for pointer in argv + envp { free(pointer) }
        }
        var child: pid_t = 0
        spawnedAt = Self.monotonicNanoseconds()
        let result = posix_spawn(&child, path, &actions, &attributes, argv, envp)
        spawnReturnedAt = Self.monotonicNanoseconds()
        guard result == 0 else { throw Failure(description: "posix_spawn \(path): error \(result)") }
        pid = child
    }

    deinit {
        if isRunning {
            kill(pid, SIGKILL)
            _ = isRunning
        }
    }

    static func monotonicNanoseconds() -> Int64 {
        var now = timespec()
        clock_gettime(CLOCK_MONOTONIC, &now)
        return Int64(now.tv_sec) * 1_000_000_000 + Int64(now.tv_nsec)
    }

    /// Signals the child unless it has been reaped: after that its pid may belong to another process.
    func send(_ signal: Int32) {
        guard status == nil else { return }
        kill(pid, signal)
    }

    /// Sends SIGTERM, as systemd stops a service, and expects the process to end within `bound`.
    func terminate(within bound: Duration, sourceLocation: SourceLocation = #_sourceLocation) async {
        send(SIGTERM)
        #expect(
            await waitForExit(timeout: bound), "no exit after SIGTERM; log: \(log)", sourceLocation: sourceLocation)
    }

    /// Reaps the child when it has ended.
    var isRunning: Bool {
        guard status == nil else { return false }
        var raw: Int32 = 0
        let result = waitpid(pid, &raw, WNOHANG)
        guard result == pid else { return result == 0 }
        status = raw
        return false
    }

    /// Everything the daemon logged so far.
    var log: String { (try? String(contentsOfFile: logPath, encoding: .utf8)) ?? "" }

    /// The log lines that contain `text`.
    func logLines(containing text: String) -> [String] {
        log.split(separator: "\n").map(String.init).filter { $0.contains(text) }
    }

    /// Waits for the process to end; returns false if it is still running at the deadline.
    func waitForExit(timeout: Duration) async -> Bool {
        await Wait.until(timeout: timeout) { !isRunning }
    }

    /// Whether it exited by itself with status 0 (not killed by a signal).
    var exitedCleanly: Bool {
        guard !isRunning, let status else { return false }
        return status & 0x7f == 0 && (status >> 8) & 0xff == 0
    }

    var exitDescription: String {
        guard !isRunning, let status else { return "still running" }
        return status & 0x7f == 0 ? "exit \((status >> 8) & 0xff)" : "killed by signal \(status & 0x7f)"
    }

    /// The signals the process blocks, from /proc/PID/status (`SigBlk`, a hexadecimal mask).
    var blockedSignals: UInt64? { signalMask("SigBlk:") }

    /// The signals the process has handlers for (`SigCgt` in /proc/PID/status).
    var caughtSignals: UInt64? { signalMask("SigCgt:") }

    private func signalMask(_ field: String) -> UInt64? {
        guard let text = try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8),
            let line = text.split(separator: "\n").first(where: { $0.hasPrefix(field) })
        else { return nil }
        return UInt64(line.dropFirst(field.count).trimmingCharacters(in: .whitespaces), radix: 16)
    }
}

/// Polling with a deadline: tests wait for conditions, never for fixed times.
enum Wait {
    /// The pause between looks that spawn `osslwatch`: a process per look, so ten a second are
    /// plenty, and the CPUs stay with the daemons under test (the 10 ms default, no longer slowed
    /// by a starved pool, would spawn up to a hundred a second).
    static let spawnInterval: Duration = .milliseconds(100)

    /// Checks `condition` every `interval` until it holds (true) or `timeout` passes (false). The
    /// pauses suspend the task rather than block a cooperative-pool thread; a cancelled test
    /// stops waiting (false).
    static func until(
        timeout: Duration, every interval: Duration = .milliseconds(10), _ condition: () async throws -> Bool
    ) async rethrows -> Bool {
        let deadline = ContinuousClock.now + timeout
        while true {
            if try await condition() { return true }
            if ContinuousClock.now >= deadline || Task.isCancelled { return false }
            try? await Task.sleep(for: interval)
        }
    }
}
