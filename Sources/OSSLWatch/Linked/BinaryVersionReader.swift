import Foundation
import OSSLWatchCore

/// Reads the `OpenSSL X.Y.Z DD Mon YYYY` text a static link leaves in a program or library.
enum BinaryVersionReader {
    static let chunkSize = 1 << 20

    static func read(path: String) throws(LinkedError) -> LinkedVersion {
        try LinkedVersionReader.requireRegularFile(path, kind: "binary")
        var scanner = VersionTextScanner()
        do {
            let handle = try FileHandle(forReadingFrom: URL(fileURLWithPath: path))
            defer { try? handle.close() }
            while let chunk = try handle.read(upToCount: chunkSize), !chunk.isEmpty {
                scanner.consume(chunk)
            }
        } catch {
            throw LinkedError(.unreadable, path: path, "binary \(path) cannot be read: \(error.localizedDescription)")
        }
        scanner.finish()
        let (version, text) = try single(scanner, path: path, what: "binary \(path)")
        return LinkedVersion(version: version, origin: "binary \(path) (\(text))")
    }

    /// The one version a scan found, or the error saying there was none or several.
    static func single(_ scanner: VersionTextScanner, path: String, what: String) throws(LinkedError) -> (
        OpenSSLVersion, String
    ) {
        switch scanner.found.count {
        case 0:
            throw LinkedError(.noMatch, path: path, "\(what) contains no \"OpenSSL X.Y.Z DD Mon YYYY\" version text")
        case 1:
            return (scanner.found[0].version, scanner.found[0].text)
        default:
            let list = scanner.found.map { "\"\($0.text)\"" }.joined(separator: ", ")
            throw LinkedError(.ambiguous, path: path, "\(what) contains different OpenSSL versions: \(list)")
        }
    }
}
