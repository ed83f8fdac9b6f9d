import Foundation
public import OSSLWatchCore

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#endif

/// Replaces a file's whole content so that a reader sees either the old or the new file,
/// never half of one: a temporary on the same file system, fsynced, then `rename(2)`.
enum AtomicFile {
    /// Writes `bytes` to `path` with `mode` (applied with fchmod, so umask does not narrow it)
    /// through `temporary`, by default a hidden file in the same directory (a Maildir names its
    /// own `tmp/` file).
    static func write(_ bytes: [UInt8], to path: String, mode: mode_t = 0o644, through temporary: String? = nil)
        throws(AtomicFileError)
    {
        let directory = (path as NSString).deletingLastPathComponent
        let name = (path as NSString).lastPathComponent
        let temporary =
            temporary
            ?? ((directory.isEmpty ? "." : directory) as NSString).appendingPathComponent(".\(name).\(getpid()).tmp")
        let fd = open(temporary, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0o600)
        guard fd >= 0 else { throw AtomicFileError(.create, path: path, "cannot create \(temporary): \(lastError())") }
        var offset = 0
        var failed: String?
        while offset < bytes.count {
            let count = bytes.withUnsafeBytes { buffer in
                Foundation.write(fd, buffer.baseAddress.map { $0 + offset }, buffer.count - offset)
            }
            if count < 0 {
                if errno == EINTR { continue }
                failed = "cannot write \(temporary): \(lastError())"
                break
            }
            offset += count
        }
        if failed == nil, fchmod(fd, mode) != 0 { failed = "cannot set the mode of \(temporary): \(lastError())" }
        if failed == nil, fsync(fd) != 0 { failed = "cannot fsync \(temporary): \(lastError())" }
        if close(fd) != 0, failed == nil { failed = "cannot close \(temporary): \(lastError())" }
        if let failed {
            unlink(temporary)
            throw AtomicFileError(.write, path: path, failed)
        }
        guard rename(temporary, path) == 0 else {
            let message = "cannot rename \(temporary) over \(path): \(lastError())"
            unlink(temporary)
            throw AtomicFileError(.rename, path: path, message)
        }
    }

    private static func lastError() -> String { String(cString: strerror(errno)) }
}

/// A file could not be replaced atomically: creating, writing or renaming its temporary failed.
public typealias AtomicFileError = PathError<AtomicFileErrorCode>

/// The codes of `AtomicFileError`, for the callers that branch on them.
public enum AtomicFileErrorCode: String, Sendable, Hashable {
    /// The temporary file could not be created (missing directory, no permission).
    case create
    /// Writing, setting the mode of or closing the temporary file failed (full disk).
    case write
    /// The rename over the target failed; the target is unchanged.
    case rename
}
