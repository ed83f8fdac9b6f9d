import COpenSSL
import Foundation
import OSSLWatchTestSupport

/// Temporary files for the linked-version tests, and the real statically linked program they read.
enum LinkedScratch {
    struct Failure: Error, CustomStringConvertible {
        var description: String
    }

    /// A fresh directory under the system temporary directory.
    static func directory() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("osslwatch-linked-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    static func remove(_ directory: URL) {
        try? FileManager.default.removeItem(at: directory)
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

    /// `OPENSSL_VERSION_TEXT` of the headers the program below is compiled against.
    static var headerVersionText: String { String(cString: osw_openssl_header_version_text()) }

    /// Runs a program with arguments on the calling thread, failing with its output unless it exits 0.
    @discardableResult
    static func run(_ executable: String, _ arguments: [String], in directory: URL? = nil) throws -> String {
        try ChildProcess.runBlocking([executable] + arguments, in: directory?.path, stderr: .merged).checked()
    }

    /// A real program linked statically against Debian's `libcrypto.a`, built once per test run.
    static let staticProgram: Result<String, Failure> = {
        do {
            let libdir = try run("/usr/bin/pkg-config", ["--variable=libdir", "libcrypto"])
                .trimmingCharacters(in: .whitespacesAndNewlines)
            let archive = "\(libdir)/libcrypto.a"
            guard FileManager.default.fileExists(atPath: archive) else {
                return .failure(Failure(description: "\(archive) missing: install libssl-dev"))
            }
            // Built once per libcrypto version and reused by later runs instead of piling up in /tmp.
            let tag = headerVersionText.filter { $0.isLetter || $0.isNumber }
            let directory = FileManager.default.temporaryDirectory.appendingPathComponent(
                "osslwatch-static-libcrypto-\(tag)")
            let program = directory.appendingPathComponent("linked").path
            if FileManager.default.isExecutableFile(atPath: program) { return .success(program) }
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            let unique = UUID().uuidString
            let source = try write(
                """
                #include <stdio.h>
                #include <openssl/crypto.h>
                int main(void) { puts(OpenSSL_version(OPENSSL_VERSION)); return 0; }
                """, to: "linked-\(unique).c", in: directory)
            let partial = directory.appendingPathComponent("linked-\(unique)").path
            try run("/usr/bin/cc", [source, "-o", partial, archive, "-lpthread", "-ldl"])
            try? FileManager.default.removeItem(atPath: source)
            // rename(2) is atomic, so a concurrent run sees either no program or a complete one.
            guard rename(partial, program) == 0 else {
                return .failure(Failure(description: "cannot move \(partial) to \(program)"))
            }
            return .success(program)
        } catch let failure as Failure {
            return .failure(failure)
        } catch {
            return .failure(Failure(description: "\(error)"))
        }
    }()

    /// Zips `directory`'s contents (relative paths) into `wheel` with the system `zip`.
    static func zip(_ directory: URL, into wheel: String) throws {
        try run("/usr/bin/zip", ["-q", "-r", wheel, "."], in: directory)
    }
}
