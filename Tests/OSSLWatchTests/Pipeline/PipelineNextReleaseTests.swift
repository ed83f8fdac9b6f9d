import Foundation
import OSSLWatchTestSupport
import Testing

@testable import OSSLWatch

@Suite struct PipelineNextReleaseTests {
    static let pyprojectPattern = #"^version = "(?<version>[^"]*)"$"#

    @Test(
        "the patch bump increments the last component only",
        arguments: [
            ("46.0.1", "46.0.2"), ("46.0.9", "46.0.10"), ("1.2", "1.3"), ("7", "8"), ("3.0.0.99", "3.0.0.100"),
        ])
    func patchBump(current: String, next: String) throws {
        #expect(try NextRelease.patchBump(of: current) == next)
    }

    @Test(
        "a release that is not digits and dots is refused",
        arguments: [
            "", "46..1", ".1", "1.", "46.0.1rc1", "46.0.1 ", "v46.0.1", "46.0.1$(id)", "46.0.-1",
        ])
    func strictGrammar(text: String) throws {
        #expect(throws: StepError.self) { try NextRelease.patchBump(of: text) }
    }

    @Test("the current release is read from pyproject.toml with a named group")
    func readsPyproject() throws {
        let directory = try ScratchDirectory.make()
        defer { ScratchDirectory.remove(directory) }
        let path = directory.appendingPathComponent("pyproject.toml").path
        try Data(
            """
            [project]
            name = "cryptography"
            version = "46.0.1"
            requires-python = ">=3.8"
            [tool.x]
            target-version = "3.8"
            """.utf8
        ).write(to: URL(fileURLWithPath: path))
        #expect(try NextRelease.readCurrent(path: path, pattern: Self.pyprojectPattern) == "46.0.1")
        #expect(try NextRelease.next(path: path, pattern: Self.pyprojectPattern) == "46.0.2")
    }

    @Test("an unusable version file or pattern fails with a reason naming it")
    func failures() throws {
        let directory = try ScratchDirectory.make()
        defer { ScratchDirectory.remove(directory) }
        let path = directory.appendingPathComponent("pyproject.toml").path
        try Data("version = \"46.0.1$(touch x)\"\n".utf8).write(to: URL(fileURLWithPath: path))
        let shellShaped = #expect(throws: StepError.self) {
            try NextRelease.readCurrent(path: path, pattern: Self.pyprojectPattern)
        }
        #expect(shellShaped?.code == .invalidInput)
        #expect(shellShaped?.message.contains(path) == true)

        let noGroup = #expect(throws: StepError.self) { try NextRelease.readCurrent(path: path, pattern: "version") }
        #expect(noGroup?.code == .badPattern)

        let missing = #expect(throws: StepError.self) {
            try NextRelease.readCurrent(path: path + ".gone", pattern: Self.pyprojectPattern)
        }
        #expect(missing?.code == .missingFile)

        try Data("name = \"x\"\n".utf8).write(to: URL(fileURLWithPath: path))
        let noMatch = #expect(throws: StepError.self) {
            try NextRelease.readCurrent(path: path, pattern: Self.pyprojectPattern)
        }
        #expect(noMatch?.message.contains("matches nothing") == true)
    }
}
