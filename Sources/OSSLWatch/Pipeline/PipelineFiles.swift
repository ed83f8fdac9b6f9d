import Foundation
import OSSLWatchCore

/// Small bounded file helpers the steps share, each failing with a `StepError` that names the file.
enum PipelineFiles {
    /// Reads a UTF-8 text file of at most `maxBytes`.
    static func readText(_ path: String, kind: String, maxBytes: Int) throws(StepError) -> String {
        let data = try readData(path, kind: kind, maxBytes: maxBytes)
        guard let text = String(data: data, encoding: .utf8) else {
            throw StepError(.io, "\(kind) \(path) is not UTF-8 text")
        }
        return text
    }

    /// Reads a regular file of at most `maxBytes`.
    static func readData(_ path: String, kind: String, maxBytes: Int) throws(StepError) -> Data {
        try requireRegularFile(path, kind: kind)
        let data: Data
        do {
            let handle = try FileHandle(forReadingFrom: URL(fileURLWithPath: path))
            defer { try? handle.close() }
            data = try handle.read(upToCount: maxBytes + 1) ?? Data()
        } catch {
            throw StepError(.io, "\(kind) \(path) cannot be read: \(error.localizedDescription)")
        }
        guard data.count <= maxBytes else {
            throw StepError(.io, "\(kind) \(path) is larger than \(maxBytes) bytes")
        }
        return data
    }

    /// Fails with `missingFile` unless `path` is an existing, readable regular file.
    static func requireRegularFile(_ path: String, kind: String) throws(StepError) {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            throw StepError(.missingFile, "\(kind) \(path) does not exist")
        }
        guard !isDirectory.boolValue else {
            throw StepError(.missingFile, "\(kind) \(path) is a directory, not a file")
        }
        guard FileManager.default.isReadableFile(atPath: path) else {
            throw StepError(.missingFile, "\(kind) \(path) is not readable (check its permissions)")
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
