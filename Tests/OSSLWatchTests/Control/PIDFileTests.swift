import Foundation
import Testing

@testable import OSSLWatch

@Suite struct PIDFileTests {
    @Test("the default path is the first RUNTIME_DIRECTORY entry, else /run/osslwatch")
    func defaultPath() {
        #expect(PIDFile.defaultPath(environment: [:]) == "/run/osslwatch/osslwatch.pid")
        #expect(PIDFile.defaultPath(environment: ["RUNTIME_DIRECTORY": ""]) == "/run/osslwatch/osslwatch.pid")
        #expect(PIDFile.defaultPath(environment: ["RUNTIME_DIRECTORY": "/run/a"]) == "/run/a/osslwatch.pid")
        #expect(PIDFile.defaultPath(environment: ["RUNTIME_DIRECTORY": "/run/a:/run/b"]) == "/run/a/osslwatch.pid")
    }

    @Test("write replaces the file with the pid and a newline, mode 0644, leaving no temporary behind")
    func writeAtomically() throws {
        let directory = try Self.directory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let file = PIDFile(path: directory + "/osslwatch.pid")
        let previous = umask(0o077)
        defer { umask(previous) }
        try file.write(pid: 12345)
        try file.write(pid: 4242)
        #expect(try String(contentsOfFile: file.path, encoding: .utf8) == "4242\n")
        let attributes = try FileManager.default.attributesOfItem(atPath: file.path)
        #expect((attributes[.posixPermissions] as? NSNumber)?.intValue == 0o644)
        #expect(try FileManager.default.contentsOfDirectory(atPath: directory) == ["osslwatch.pid"])
    }

    @Test("write into a missing directory is an io error naming the file")
    func writeFails() throws {
        let file = PIDFile(path: "/nonexistent-\(UUID().uuidString)/osslwatch.pid")
        let error = try #require(throws: PIDFileError.self) { try file.write(pid: 1) }
        #expect(error.code == .io)
        #expect(error.description.contains("osslwatch.pid"))
    }

    @Test("a missing file reads as missing: the daemon is not running")
    func missing() throws {
        let directory = try Self.directory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let error = try #require(throws: PIDFileError.self) { try PIDFile(path: directory + "/none.pid").read() }
        #expect(error.code == .missing)
        #expect(error.meansNotRunning)
    }

    @Test(
        "content that is not exactly one positive pid is garbage",
        arguments: ["", "\n", "abc\n", "12 34\n", "-5\n", "0\n", "99999999999\n", "12\n\n", " 12\n", "12; rm -rf /\n"])
    func garbage(content: String) throws {
        let directory = try Self.directory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let path = directory + "/osslwatch.pid"
        try content.write(toFile: path, atomically: false, encoding: .utf8)
        let error = try #require(throws: PIDFileError.self) { try PIDFile(path: path).read() }
        #expect(error.code == .garbage)
        #expect(!error.meansNotRunning)
    }

    @Test("the pid of a process that has exited is stale")
    func stale() throws {
        let directory = try Self.directory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/true")
        try process.run()
        process.waitUntilExit()
        let file = PIDFile(path: directory + "/osslwatch.pid")
        try file.write(pid: process.processIdentifier)
        let error = try #require(throws: PIDFileError.self) { try file.read() }
        #expect(error.code == .stale)
        #expect(error.meansNotRunning)
    }

    @Test("a live process that is not osslwatch (a recycled pid) is refused")
    func recycled() throws {
        let directory = try Self.directory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let file = PIDFile(path: directory + "/osslwatch.pid")
        // This test runner is alive and is not called osslwatch.
        try file.write(pid: getpid())
        let error = try #require(throws: PIDFileError.self) { try file.read() }
        #expect(error.code == .notOsslwatch)
        #expect(error.message.contains("not osslwatch"))
    }

    @Test("a live process whose comm is osslwatch is accepted")
    func live() throws {
        let directory = try Self.directory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let standIn = try StandInProcess.start(directory: directory)
        defer { standIn.stop() }
        let file = PIDFile(path: directory + "/osslwatch.pid")
        try file.write(pid: standIn.pid)
        #expect(try file.read() == standIn.pid)
    }

    @Test("remove deletes the file only while it holds this process's pid")
    func remove() throws {
        let directory = try Self.directory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let file = PIDFile(path: directory + "/osslwatch.pid")
        try file.write(pid: getpid() + 1)
        file.remove()
        #expect(FileManager.default.fileExists(atPath: file.path))
        try file.write(pid: getpid())
        file.remove()
        #expect(!FileManager.default.fileExists(atPath: file.path))
        file.remove()
    }

    static func directory() throws -> String {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("osslwatch-pid-\(UUID().uuidString)")
            .path
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }
}
