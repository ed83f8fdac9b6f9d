import COpenSSL
import Foundation
import OSSLWatchTestSupport

/// Files for the linked-version tests (in folders from `ScratchDirectory`), and the real
/// statically linked program they read.
enum LinkedScratch {
    struct Failure: Error, CustomStringConvertible {
        var description: String
    }

    static func write(_ text: String, to name: String, in directory: URL) throws -> String {
        let url = directory.appendingPathComponent(name)
        try FileManager.default.createDirectory(
            at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try Data(text.utf8).write(to: url)
        return url.path
    }

    static func fixture(_ name: String) throws -> String {
        guard let root = Bundle.module.url(forResource: "Fixtures", withExtension: nil) else {
            throw Failure(description: "Fixtures folder missing from the test bundle")
        }
        return root.appendingPathComponent("linked").appendingPathComponent(name).path
    }

    /// `OPENSSL_VERSION_TEXT` of the headers `staticProgram` is compiled against.
    static var headerVersionText: String { String(cString: osw_openssl_header_version_text()) }

    /// Runs a program with arguments on the calling thread, failing with its output unless it exits 0.
    @discardableResult
    static func run(_ executable: String, _ arguments: [String], in directory: URL? = nil) throws -> String {
        try ChildProcess.runBlocking([executable] + arguments, in: directory?.path, stderr: .merged).checked()
    }

    /// A real program linked statically against Debian's `libcrypto.a` (see `StaticLibcryptoProgram`).
    static var staticProgram: Result<String, Failure> {
        StaticLibcryptoProgram.built.mapError { Failure(description: $0.description) }
    }

    /// Zips `directory`'s contents (relative paths) into `wheel` with the system `zip`.
    static func zip(_ directory: URL, into wheel: String) throws {
        try run("/usr/bin/zip", ["-q", "-r", wheel, "."], in: directory)
    }
}
