import Foundation
import OSSLWatchCore

/// Small bounded file helpers the steps and the linked-version readers share. Each message
/// names the file; `fail` makes it the caller's error, whose code depends on the `FileProblem`.
enum PipelineFiles {
    /// What went wrong with a file, for the caller's error code.
    enum FileProblem {
        case absent
        /// A directory, or not readable by the daemon.
        case notReadable
        /// Open or read failed, too large, or not UTF-8.
        case readFailed
    }

    /// Reads a UTF-8 text file of at most `maxBytes`.
    static func readText(_ path: String, kind: String, maxBytes: Int) throws(StepError) -> String {
        try readText(path, kind: kind, maxBytes: maxBytes, StepError.file)
    }

    static func readText<E: Error>(
        _ path: String, kind: String, maxBytes: Int, _ fail: (FileProblem, String) -> E
    ) throws(E) -> String {
        try requireRegularFile(path, kind: kind, fail)
        let data: Data
        do {
            let handle = try FileHandle(forReadingFrom: URL(fileURLWithPath: path))
            defer { try? handle.close() }
            data = try handle.read(upToCount: maxBytes + 1) ?? Data()
        } catch {
            throw fail(.readFailed, "\(kind) \(path) cannot be read: \(error.localizedDescription)")
        }
        guard data.count <= maxBytes else {
            throw fail(.readFailed, "\(kind) \(path) is larger than \(maxBytes) bytes")
        }
        guard let text = String(data: data, encoding: .utf8) else {
            throw fail(.readFailed, "\(kind) \(path) is not UTF-8 text")
        }
        return text
    }

    /// Fails unless `path` is an existing, readable regular file.
    static func requireRegularFile<E: Error>(_ path: String, kind: String, _ fail: (FileProblem, String) -> E)
        throws(E)
    {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            throw fail(.absent, "\(kind) \(path) does not exist")
        }
        guard !isDirectory.boolValue else { throw fail(.notReadable, "\(kind) \(path) is a directory, not a file") }
        guard FileManager.default.isReadableFile(atPath: path) else {
            throw fail(.notReadable, "\(kind) \(path) is not readable (check its permissions)")
        }
    }

    /// Creates `path` and its parents (mode 0700 for new ones).
    static func makeDirectory(_ path: String, kind: String) throws(StepError) {
        do {
            try FileManager.default.createDirectory(
                atPath: path, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        } catch {
            throw StepError(.io, "cannot create \(kind) \(path): \(error.localizedDescription)")
        }
    }
}

extension StepError {
    /// A file a step needs is `missingFile` until it is there and readable; reading it is `io`.
    static func file(_ problem: PipelineFiles.FileProblem, _ message: String) -> StepError {
        StepError(problem == .readFailed ? .io : .missingFile, message)
    }
}
