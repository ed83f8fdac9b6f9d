import Foundation
import OSSLWatch
import OSSLWatchCore
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

    @Test("delivery signals only the process holding the state directory's lock, never one a pid file or --pid names")
    func delivery() throws {
        let directory = try PIDFileTests.directory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let state = directory + "/state"
        if case .notRunning = Trigger.deliver(pid: nil, stateDirectory: state) {} else { Issue.record("no lock file") }
        // A live process named osslwatch, as a recycled pid of a killed daemon would be, that
        // holds no lock: never signalled, whatever names it.
        let recycled = try StandInProcess.start(directory: directory)
        defer { recycled.stop() }
        try PIDFile(path: directory + "/osslwatch.pid").write(pid: recycled.pid)
        _ = try StateLock.acquire(directory: state)
        if case .notRunning = Trigger.deliver(pid: nil, stateDirectory: state) {} else { Issue.record("unlocked") }
        if case .notRunning = Trigger.deliver(pid: recycled.pid, stateDirectory: state) {
        } else {
            Issue.record("--pid of a process without the lock")
        }
        #expect(recycled.signalsReceived == 0)

        try FileManager.default.createDirectory(atPath: directory + "/held", withIntermediateDirectories: true)
        let daemon = try StandInProcess.start(directory: directory + "/held", holdingLockOf: state)
        defer { daemon.stop() }
        #expect(try StateLock.holder(directory: state) == daemon.pid)
        if case .failed(_, 69) = Trigger.deliver(pid: recycled.pid, stateDirectory: state) {
        } else {
            Issue.record("--pid of another process than the holder")
        }
        #expect(Trigger.deliver(pid: nil, stateDirectory: state) == .signalled(daemon.pid))
        #expect(daemon.waitForSignals(1) == 1)
        #expect(recycled.signalsReceived == 0)
        let error = try #require(throws: StateLockError.self) { try StateLock.acquire(directory: state) }
        #expect(error.code == .held && error.holder == daemon.pid && error.exitStatus == 75, "\(error)")
    }
}
