import Foundation
import OSSLWatch
import Testing

@Suite struct TriggerTests {
    static func configuration(_ projects: [String]) -> Configuration {
        Configuration(
            feeds: [],
            projects: projects.map { ProjectSettings(name: $0, linked: .literal(StoreSamples.version("3.5.3"))) })
    }

    @Test("no version is a poll; a version is a run for the only project, in canonical form")
    func kinds() throws {
        let one = Self.configuration(["cryptography"])
        let poll = try Trigger.validate(configuration: one, project: nil, version: nil)
        #expect(poll.kind == .poll && poll.project == nil && poll.version == nil)
        let run = try Trigger.validate(configuration: one, project: nil, version: "openssl-3.5.4")
        #expect(run.kind == .run && run.project == "cryptography" && run.version?.description == "3.5.4")
    }

    @Test(
        "shell-looking or malformed versions are refused with exit 65",
        arguments: ["3.5.4; touch /tmp/x", "$(id)", "3.5.4\n", "3.5", "", "`reboot`", "3.5.4 ", "-3.5.4"])
    func badVersion(text: String) throws {
        let error = try #require(throws: TriggerError.self) {
            try Trigger.validate(configuration: Self.configuration(["p"]), project: "p", version: text)
        }
        #expect(error.code == .badVersion)
        #expect(error.exitStatus == 65)
    }

    @Test("an unknown project, a missing project among several, and a project without version are usage errors (64)")
    func usage() throws {
        let two = Self.configuration(["a", "b"])
        let cases: [(String?, String?, TriggerError.Code)] = [
            ("c", "3.5.4", .unknownProject), (nil, "3.5.4", .projectRequired), ("a", nil, .projectWithoutVersion),
            ("a;rm", "3.5.4", .unknownProject),
        ]
        for (project, version, code) in cases {
            let error = try #require(throws: TriggerError.self) {
                try Trigger.validate(configuration: two, project: project, version: version)
            }
            #expect(error.code == code)
            #expect(error.exitStatus == 64)
        }
    }

    @Test("delivery signals a live osslwatch, and reports a stale or foreign pid as not running")
    func delivery() throws {
        let directory = try PIDFileTests.directory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let file = PIDFile(path: directory + "/osslwatch.pid")
        if case .notRunning = Trigger.deliver(pid: nil, pidFile: file) {} else { Issue.record("missing file") }
        if case .notRunning = Trigger.deliver(pid: getpid(), pidFile: file) {} else { Issue.record("foreign pid") }
        let standIn = try StandInProcess.start(directory: directory)
        defer { standIn.stop() }
        try file.write(pid: standIn.pid)
        #expect(Trigger.deliver(pid: nil, pidFile: file) == .signalled(standIn.pid))
        #expect(standIn.waitForSignals(1) == 1)
    }
}
