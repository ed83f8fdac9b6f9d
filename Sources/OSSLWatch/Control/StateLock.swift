import Foundation
public import OSSLWatchCore

#if canImport(Glibc)
    // libc's structs (stat, timespec, flock, sockaddr_un) reach Swift through whichever of these
    // C module copies the compiler met first, which differs between debug and whole-module
    // builds; MemberImportVisibility wants the one it picked imported by name.
    import CDispatch
    import CoreFoundation
    import Glibc
#elseif canImport(Musl)
    import Musl
#endif

/// The daemon's exclusive lock on its state directory: one daemon per store, and the one fact
/// about "which process is the daemon" that a recycled pid cannot fake.
///
/// A POSIX record lock (`fcntl(F_SETLK)`) on `<state directory>/daemon.lock`, held from before
/// the store opens until the process ends. The kernel drops it when the holder dies, however it
/// dies, and `F_GETLK` names the holder's pid: so a pid read from the lock is a live process that
/// holds this store, never a stale file's number. The descriptor is `O_CLOEXEC`, and record locks
/// are not inherited across fork, so no command the daemon starts can keep the lock after it.
/// (A record lock is dropped when its process closes any descriptor of the file: only this type
/// opens it in the daemon, once.)
public final class StateLock: Sendable {
    /// The lock file's name inside the state directory.
    public static let fileName = "daemon.lock"

    public let path: String
    private let descriptor: Int32

    private init(path: String, descriptor: Int32) {
        self.path = path
        self.descriptor = descriptor
    }

    deinit {
        close(descriptor)
    }

    /// `<directory>/daemon.lock`.
    public static func path(in directory: String) -> String {
        (directory as NSString).appendingPathComponent(fileName)
    }

    /// Takes the lock for this process, creating the directory (mode 0700) and the file when
    /// missing, and writes this pid into the file for people who look. Throws `.held` with the
    /// holder's pid when another process has it.
    public static func acquire(directory: String) throws(StateLockError) -> StateLock {
        let path = path(in: directory)
        do {
            try FileManager.default.createDirectory(
                atPath: directory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        } catch {
            throw StateLockError(
                .io, path: directory, "cannot create the state directory: \(error.localizedDescription)")
        }
        let descriptor = open(path, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0o600)
        guard descriptor >= 0 else { throw StateLockError(.io, path: path, "cannot open: \(Self.errorText())") }
        var lock = Self.wholeFile(F_WRLCK)
        while fcntl(descriptor, F_SETLK, &lock) != 0 {
            let failure = errno
            if failure == EINTR { continue }
            close(descriptor)
            guard failure == EAGAIN || failure == EACCES else {
                throw StateLockError(.io, path: path, "cannot lock: \(String(cString: strerror(failure)))")
            }
            // Held: ask who holds it (it may have ended in between; then say so rather than retry).
            let holder = (try? Self.holder(path: path)) ?? nil
            throw StateLockError(
                .held, path: path,
                holder.map { "another osslwatch daemon (pid \($0)) holds \(path): one daemon per state directory" }
                    ?? "another osslwatch daemon held \(path) a moment ago: one daemon per state directory",
                holder: holder)
        }
        let text = Array("\(getpid())\n".utf8)
        if ftruncate(descriptor, 0) != 0 || pwrite(descriptor, text, text.count, 0) != text.count {
            let reason = Self.errorText()
            close(descriptor)
            throw StateLockError(.io, path: path, "cannot write the pid into the lock file: \(reason)")
        }
        return StateLock(path: path, descriptor: descriptor)
    }

    /// The pid of the process holding the lock on `directory`'s store, or nil when none does
    /// (no daemon runs there). Never creates anything. (`Int32` is `pid_t`, named so that the
    /// signature does not depend on which C module the compiler attributes `pid_t` to.)
    public static func holder(directory: String) throws(StateLockError) -> Int32? {
        try holder(path: path(in: directory))
    }

    private static func holder(path: String) throws(StateLockError) -> Int32? {
        let descriptor = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW)
        guard descriptor >= 0 else {
            if errno == ENOENT { return nil }
            throw StateLockError(.io, path: path, "cannot open: \(Self.errorText())")
        }
        defer { close(descriptor) }
        // F_GETLK asks "would a write lock conflict?"; a read-only descriptor may ask that.
        var lock = Self.wholeFile(F_WRLCK)
        guard fcntl(descriptor, F_GETLK, &lock) == 0 else {
            throw StateLockError(.io, path: path, "cannot query the lock: \(Self.errorText())")
        }
        guard lock.l_type != Int16(F_UNLCK), lock.l_pid > 0 else { return nil }
        return lock.l_pid
    }

    private static func wholeFile(_ type: Int32) -> flock {
        var lock = flock()
        lock.l_type = Int16(type)
        lock.l_whence = Int16(SEEK_SET)
        lock.l_start = 0
        lock.l_len = 0
        return lock
    }

    private static func errorText() -> String { String(cString: strerror(errno)) }
}

/// The state directory's lock is held by another daemon, or could not be taken or read.
public struct StateLockError: CodedError, Hashable {
    public enum Code: String, Sendable, Hashable {
        /// Another process holds the lock: a daemon already runs on this store.
        case held
        /// Creating, opening, locking or querying the file failed.
        case io
    }

    public let code: Code
    /// The lock file (or the directory it would be in).
    public let path: String
    public let message: String
    /// The pid holding the lock, for `.held` when the kernel named it.
    public let holder: Int32?

    public init(_ code: Code, path: String, _ message: String, holder: Int32? = nil) {
        self.code = code
        self.path = path
        self.message = message
        self.holder = holder
    }

    public var description: String { code == .held ? message : "\(path): \(message)" }

    /// sysexits: EX_TEMPFAIL (75) while another daemon runs, so a supervisor may try later;
    /// EX_CANTCREAT (73) when the file cannot be made.
    public var exitStatus: Int32 { code == .held ? 75 : 73 }
}
