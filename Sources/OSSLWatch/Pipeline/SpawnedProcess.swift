import Foundation
import OSSLWatchCore

#if canImport(Glibc)
    import Glibc
#endif

/// Everything `SpawnedProcess` needs, resolved and checked by `CommandRunner`.
struct SpawnRequest: Sendable {
    var executable: String
    var argv: [String]
    var environment: [String: String]
    var workingDirectory: String?
    var stdoutPath: String
    var stderrPath: String
    var timeout: Double
    var gracePeriod: Double
    /// The file whose shared `flock` every child holds through an inherited descriptor
    /// (`ChildLock`), or `nil` for none.
    var childLockPath: String? = nil
}

/// The blocking part of `CommandRunner`: `posix_spawn` into a new process group with default
/// signal dispositions (the daemon ignores or blocks signals its children must not inherit),
/// stdin from /dev/null, no inherited descriptors but the child lock on fd 3, then a wait
/// that enforces the timeout and ends only when the whole group is gone. The daemon is made
/// a child subreaper, so members orphaned by their parent come back to it and are reaped
/// here instead of lingering as zombies no one waits for (those that left the group are
/// reaped by `Subreaper`, which never touches the leader this waits for by pid). Runs on a
/// dedicated thread only.
enum SpawnedProcess {
    static func run(_ request: SpawnRequest, cancellation: CancellationFlag)
        -> Result<(CommandOutcome.Termination, Duration), StepError>
    {
        let outFD = open(request.stdoutPath, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o640)
        guard outFD >= 0 else {
            return .failure(StepError(.io, "cannot create log \(request.stdoutPath): \(errorText(errno))"))
        }
        defer { close(outFD) }
        let errFD = open(request.stderrPath, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o640)
        guard errFD >= 0 else {
            return .failure(StepError(.io, "cannot create log \(request.stderrPath): \(errorText(errno))"))
        }
        defer { close(errFD) }
        var lockFD: Int32 = -1
        if let path = request.childLockPath {
            switch ChildLock.holdShared(path) {
            case .success(let fd): lockFD = fd
            case .failure(let error): return .failure(error)
            }
        }
        defer { if lockFD >= 0 { close(lockFD) } }
        _ = Subreaper.enabled

        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_adddup2(&actions, outFD, 1)
        posix_spawn_file_actions_adddup2(&actions, errFD, 2)
        if let directory = request.workingDirectory {
            guard let addChdir = GNUSpawnActions.addChdir, addChdir(&actions, directory) == 0 else {
                return .failure(StepError(.spawnFailed, "cannot start in \(directory): the C library lacks addchdir"))
            }
        }
        if lockFD >= 0 {
            posix_spawn_file_actions_adddup2(&actions, lockFD, ChildLock.childDescriptor)
        }
        if let addCloseFrom = GNUSpawnActions.addCloseFrom {
            _ = addCloseFrom(&actions, lockFD >= 0 ? ChildLock.childDescriptor + 1 : 3)
        }

        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var allSignals = sigset_t()
        sigfillset(&allSignals)
        var noSignals = sigset_t()
        sigemptyset(&noSignals)
        posix_spawnattr_setsigdefault(&attributes, &allSignals)
        posix_spawnattr_setsigmask(&attributes, &noSignals)
        posix_spawnattr_setpgroup(&attributes, 0)
        posix_spawnattr_setflags(
            &attributes, Int16(POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSIGMASK))

        let argv = request.argv.map { strdup($0) } + [nil]
        let envp = request.environment.sorted { $0.key < $1.key }.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer {
            for pointer in argv { free(pointer) }
            for pointer in envp { free(pointer) }
        }
        let start = ContinuousClock.now
        var spawned: Int32 = 0
        let started = Subreaper.spawnWaited { () -> pid_t? in
            var pid: pid_t = 0
            spawned = posix_spawn(&pid, request.executable, &actions, &attributes, argv, envp)
            return spawned == 0 ? pid : nil
        }
        guard let pid = started else {
            return .failure(StepError(.spawnFailed, "cannot start \(request.executable): \(errorText(spawned))"))
        }
        defer { Subreaper.collected(pid) }
        return wait(for: pid, request: request, start: start, cancellation: cancellation).map { termination in
            (termination, ContinuousClock.now - start)
        }
    }

    /// Waits for the leader, sending SIGTERM to the group at the deadline (or on cancellation)
    /// and SIGKILL after the grace period. Whichever way the leader ended, leftovers in its
    /// group (a background grandchild) get SIGTERM, the grace, SIGKILL, and are waited for.
    private static func wait(
        for pid: pid_t, request: SpawnRequest, start: ContinuousClock.Instant, cancellation: CancellationFlag
    ) -> Result<CommandOutcome.Termination, StepError> {
        let deadline = start + seconds(request.timeout)
        var stoppedBy: CommandOutcome.Termination?
        var killAt: ContinuousClock.Instant?
        var pause = 1_000
        var status: Int32 = 0
        while true {
            let reaped = waitpid(pid, &status, WNOHANG)
            if reaped == pid { break }
            if reaped == -1 && errno != EINTR {
                // Only possible when something else reaps children (SIGCHLD ignored): the
                // status is lost, so say so rather than invent one.
                let reason = String(cString: strerror(errno))
                kill(-pid, SIGKILL)
                return .failure(
                    StepError(.commandFailed, "lost \(request.executable) (pid \(pid)): waitpid failed: \(reason)"))
            }
            let now = ContinuousClock.now
            if stoppedBy == nil && (now >= deadline || cancellation.isCancelled) {
                stoppedBy = cancellation.isCancelled ? .cancelled : .timedOut
                kill(-pid, SIGTERM)
                killAt = now + seconds(request.gracePeriod)
            }
            if let due = killAt, now >= due {
                kill(-pid, SIGKILL)
                killAt = nil
            }
            usleep(useconds_t(pause))
            pause = min(pause * 2, 20_000)
        }
        if let stoppedBy {
            finishGroup(pid, killAt: killAt)
            return .success(stoppedBy)
        }
        if kill(-pid, 0) == 0 {
            kill(-pid, SIGTERM)
            finishGroup(pid, killAt: ContinuousClock.now + seconds(request.gracePeriod))
        }
        if status & 0x7f == 0 { return .success(.exited((status >> 8) & 0xff)) }
        return .success(.signaled(status & 0x7f))
    }

    /// After the leader is gone, gives the rest of its group what is left of the grace period
    /// to exit on SIGTERM, then SIGKILLs whatever remains and waits until no member is left
    /// (reaping those orphaned to the daemon), at most `killWait` more: a process stuck in the
    /// kernel cannot be waited for forever.
    private static func finishGroup(_ group: pid_t, killAt: ContinuousClock.Instant?) {
        if let killAt {
            while ContinuousClock.now < killAt {
                if reapGroup(group) { return }
                usleep(10_000)
            }
        }
        kill(-group, SIGKILL)
        let giveUp = ContinuousClock.now + killWait
        while ContinuousClock.now < giveUp {
            if reapGroup(group) { return }
            usleep(10_000)
        }
    }

    /// How long a SIGKILLed group may take to disappear.
    static let killWait = Duration.seconds(5)

    /// Reaps the group's members that are the daemon's children; true once none is left.
    private static func reapGroup(_ group: pid_t) -> Bool {
        var status: Int32 = 0
        while waitpid(-group, &status, WNOHANG) > 0 {}
        return kill(-group, 0) != 0 && errno == ESRCH
    }

    package static func seconds(_ value: Double) -> Duration {
        .milliseconds(Int64((min(value, 1e9) * 1000).rounded()))
    }

    private static func errorText(_ code: Int32) -> String {
        String(cString: strerror(code))
    }
}

/// glibc's `posix_spawn_file_actions_addchdir_np` (2.29) and `addclosefrom_np` (2.34) are
/// declared only under `_GNU_SOURCE`, which Swift's Glibc module does not set, so they are
/// looked up by name once.
private enum GNUSpawnActions {
    typealias AddChdir =
        @convention(c) (UnsafeMutablePointer<posix_spawn_file_actions_t>, UnsafePointer<CChar>) ->
        Int32
    typealias AddCloseFrom = @convention(c) (UnsafeMutablePointer<posix_spawn_file_actions_t>, Int32) -> Int32

    static let addChdir: AddChdir? = symbol("posix_spawn_file_actions_addchdir_np")
    static let addCloseFrom: AddCloseFrom? = symbol("posix_spawn_file_actions_addclosefrom_np")

    private static func symbol<T>(_ name: String) -> T? {
        guard let address = dlsym(nil, name) else { return nil }
        return unsafeBitCast(address, to: T.self)
    }
}
