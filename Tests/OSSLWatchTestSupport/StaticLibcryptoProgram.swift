import Foundation

/// A real program linked statically against Debian's `libcrypto.a` that prints
/// `OpenSSL_version(OPENSSL_VERSION)`: the kind of binary the linked-version readers and the
/// verify-artifact step must recognise by the version text embedded in it.
///
/// Built once per libcrypto version under the system temporary directory and reused by later
/// test runs (and by both test targets) instead of piling up copies there.
public enum StaticLibcryptoProgram {
    /// The program's path, or why it cannot be built (such as libssl-dev missing). Made on first
    /// use, on the calling thread: from async code use `path()`.
    public static let built: Result<String, ChildProcess.Failure> = {
        do {
            return .success(try build())
        } catch let failure as ChildProcess.Failure {
            return .failure(failure)
        } catch {
            return .failure(ChildProcess.Failure(description: "\(error)"))
        }
    }()

    /// `built`, reached from a thread of its own so the first build never holds the cooperative pool.
    public static func path() async throws -> String {
        try await OwnThread.run { try built.get() }
    }

    private static func build() throws -> String {
        let libdir = try ChildProcess.runBlocking(["pkg-config", "--variable=libdir", "libcrypto"]).checked()
            .trimmingCharacters(in: .whitespacesAndNewlines)
        let archive = "\(libdir)/libcrypto.a"
        guard FileManager.default.fileExists(atPath: archive) else {
            throw ChildProcess.Failure(description: "\(archive) missing: install libssl-dev")
        }
        let tag = try ChildProcess.runBlocking(["pkg-config", "--modversion", "libcrypto"]).checked()
            .filter { $0.isLetter || $0.isNumber }
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent(
            "osslwatch-static-libcrypto-\(tag)")
        let program = directory.appendingPathComponent("linked").path
        if FileManager.default.isExecutableFile(atPath: program) { return program }
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let unique = UUID().uuidString
        let source = directory.appendingPathComponent("linked-\(unique).c")
        try Data(
            """
            #include <stdio.h>
            #include <openssl/crypto.h>
            int main(void) { puts(OpenSSL_version(OPENSSL_VERSION)); return 0; }
            """.utf8
        ).write(to: source)
        let partial = directory.appendingPathComponent("linked-\(unique)").path
        try ChildProcess.runBlocking(["cc", source.path, "-o", partial, archive, "-lpthread", "-ldl"], stderr: .merged)
            .checked()
        try? FileManager.default.removeItem(at: source)
        // rename(2) is atomic, so a concurrent run sees either no program or a complete one.
        guard rename(partial, program) == 0 else {
            throw ChildProcess.Failure(description: "cannot move \(partial) to \(program)")
        }
        return program
    }
}
