import Foundation
import OSSLWatchCore
import OSSLWatchTransport

#if canImport(Glibc)
    import Glibc
#endif

/// A file a download streams into from the transfer thread, hashing as it writes. A class
/// because it owns a file descriptor, closed in `deinit`; `@unchecked Sendable` because the
/// only mutable state is the descriptor, written by one transfer thread at a time.
final class DownloadFile: @unchecked Sendable {
    let path: String
    private let descriptor: Int32
    private let digest: SHA256Stream

    init(path: String) throws(StepError) {
        self.path = path
        descriptor = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard descriptor >= 0 else {
            throw StepError(.io, "cannot create \(path): \(String(cString: strerror(errno)))")
        }
        do {
            digest = try SHA256Stream()
        } catch {
            close(descriptor)
            throw StepError(.io, "cannot hash \(path): \(error)")
        }
    }

    deinit {
        close(descriptor)
    }

    /// Writes a chunk completely and adds it to the digest.
    func write(_ bytes: UnsafeRawBufferPointer) throws {
        try digest.update(bytes)
        guard let base = bytes.baseAddress else { return }
        var offset = 0
        while offset < bytes.count {
            let written = Glibc.write(descriptor, base + offset, bytes.count - offset)
            if written < 0 {
                if errno == EINTR { continue }
                throw StepError(.io, "cannot write \(path): \(String(cString: strerror(errno)))")
            }
            offset += written
        }
    }

    /// The SHA-256 of everything written, lower-case hex.
    func finish() throws(StepError) -> String {
        guard fsync(descriptor) == 0 || errno == EINVAL else {
            throw StepError(.io, "cannot flush \(path): \(String(cString: strerror(errno)))")
        }
        do {
            return try digest.finalize()
        } catch {
            throw StepError(.io, "cannot hash \(path): \(error)")
        }
    }

    /// Streams `url` into `path` through `<path>.part`, so a failed transfer never leaves a
    /// file that looks complete, and returns the SHA-256 of what arrived. `what` names the
    /// file in errors ("artifact", "tarball").
    static func fetch(
        _ url: String, to path: String, maxBytes: Int, client: HTTPClient, what: String
    ) async throws(StepError) -> String {
        let partial = path + ".part"
        let file = try DownloadFile(path: partial)
        do {
            _ = try await client.download(url: url, maxBytes: maxBytes) { bytes in try file.write(bytes) }
        } catch {
            try? FileManager.default.removeItem(atPath: partial)
            if error.code == .cancelled { throw StepError(.cancelled, "download of \(error.url) cancelled") }
            throw StepError(.downloadFailed, "cannot download \(what) \(error.url): \(error.message)")
        }
        let digest = try file.finish()
        do {
            try? FileManager.default.removeItem(atPath: path)
            try FileManager.default.moveItem(atPath: partial, toPath: path)
        } catch {
            throw StepError(.io, "cannot move \(partial) to \(path): \(error.localizedDescription)")
        }
        return digest
    }
}
