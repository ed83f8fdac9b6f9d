import Foundation
import Logging
import OSSLWatch
import OSSLWatchCore
import OSSLWatchStore
import OSSLWatchTransport
import Testing

/// The runner with the real executors, for the kinds that need no network or git here.
@Suite struct RunsExecutorTests {
    typealias S = StoreSamples

    struct Harness {
        let directory = TemporaryStateDirectory()
        let store: Store
        let runner: PipelineRunner
        let work: String

        /// `steps` gets the work directory the commands write into.
        init(dryRun: Bool = false, projectDryRun: Bool = false, steps: (String) -> [StepSettings]) throws {
            store = try Store(directory: directory.path)
            work = (directory.path as NSString).appendingPathComponent("work")
            try FileManager.default.createDirectory(atPath: work, withIntermediateDirectories: true)
            let steps = steps(work)
            let project = ProjectSettings(
                name: "cryptography", linked: .literal(S.version("3.5.3")), steps: steps, nextRelease: "46.0.2",
                dryRun: projectDryRun)
            let configuration = Configuration(
                stateDirectory: directory.path,
                feeds: [
                    FeedSettings(name: "f", kind: .githubReleasesAtom, url: "https://example.org/f", interval: 300)
                ],
                projects: [project])
            let environment = ProcessInfo.processInfo.environment
            runner = PipelineRunner(
                configuration: configuration, store: store, logger: Logger(label: "test"),
                executor: StepExecutor(
                    stateDirectory: configuration.stateDirectory,
                    client: HTTPClient(settings: HTTPSettings()), logger: Logger(label: "test"),
                    dryRun: dryRun, environment: environment),
                dryRun: dryRun, surroundings: .system(environment: environment))
            _ = try store.addRequest(kind: .run, project: "cryptography", version: S.version("3.5.4"), at: S.start)
        }

        func run() throws -> RunRecord { try #require(try store.runs().first) }

        static func shell(_ name: String, _ script: String, in work: String) -> StepSettings {
            StepSettings(
                name: name,
                action: .command(CommandSpec(argv: ["/bin/sh", "-c", script], workingDirectory: work, timeout: 30)))
        }

        func contents(_ file: String) -> String? {
            try? String(contentsOfFile: (work as NSString).appendingPathComponent(file), encoding: .utf8)
        }
    }

    @Test(
        "a command gets the run's facts as OSSLWATCH_* variables and its exit status decides; logs are kept per attempt"
    )
    func commandFactsAndFailure() async throws {
        let relative = try Harness { work in
            [
                Harness.shell(
                    "facts",
                    "printf '%s %s %s' \"$OSSLWATCH_VERSION\" \"$OSSLWATCH_PREVIOUS\" \"$OSSLWATCH_NEXT_RELEASE\" > facts.txt",
                    in: work),
                Harness.shell("fails", "echo to-stdout; exit 3", in: work),
                StepSettings(name: "never", action: .announce),
            ]
        }
        defer { relative.directory.remove() }
        await relative.runner.advance(now: S.start, runRequests: try PendingRequests.read(from: relative.store).runs)
        #expect(relative.contents("facts.txt") == "3.5.4 3.5.3 46.0.2")
        let run = try relative.run()
        #expect(run.state == .failed)
        #expect(run.reason?.contains("exit status 3") == true, "\(run.reason ?? "")")
        let attempts = try relative.store.attempts(run: run.id)
        #expect(attempts.map(\.step) == ["facts", "fails"])
        #expect(attempts.map(\.exitCode) == [0, 3])
        let stdout = try #require(attempts[1].stdoutPath)
        #expect(try String(contentsOfFile: stdout, encoding: .utf8) == "to-stdout\n")
        #expect(try relative.store.steps(run: run.id)[2].state == .pending)
    }

    @Test("dry run (flag or project) marks command steps done with reason \"dry run\" and starts nothing")
    func dryRun() async throws {
        for (flag, project) in [(true, false), (false, true)] {
            let configured = try Harness(dryRun: flag, projectDryRun: project) { work in
                [Harness.shell("touch", "touch touched", in: work), StepSettings(name: "end", action: .announce)]
            }
            defer { configured.directory.remove() }
            await configured.runner.advance(
                now: S.start, runRequests: try PendingRequests.read(from: configured.store).runs)
            let run = try configured.run()
            #expect(run.state == .done)
            #expect(configured.contents("touched") == nil)
            #expect(
                !FileManager.default.fileExists(atPath: (configured.work as NSString).appendingPathComponent("touched"))
            )
            let step = try configured.store.steps(run: run.id)[0]
            #expect(step.state == .done)
            #expect(step.reason == "dry run")
            #expect(try configured.store.attempts(run: run.id).first?.outcome == .dryRun)
        }
    }

    @Test("verify-tarball with a missing keyring fails the run with a readable reason before update-pin")
    func missingKeyring() async throws {
        let h = try Harness { _ in
            [
                StepSettings(
                    name: "verify",
                    action: .verifyTarball(
                        tarballURL: "https://example.invalid/{tag}.tar.gz", keyring: "/nonexistent/openssl.gpg",
                        fingerprint: nil, maxBytes: 1 << 20)),
                StepSettings(
                    name: "pin",
                    action: .updatePin(
                        repository: "/nonexistent", file: "pin.sh", pattern: "(?<version>x)(?<sha256>y)",
                        sha256Pattern: nil, authorName: "a", authorEmail: "a@example.org")),
            ]
        }
        defer { h.directory.remove() }
        await h.runner.advance(now: S.start, runRequests: try PendingRequests.read(from: h.store).runs)
        let run = try h.run()
        #expect(run.state == .failed)
        #expect(run.reason?.contains("keyring") == true, "\(run.reason ?? "")")
        #expect(try h.store.steps(run: run.id).map(\.state) == [.failed, .pending])
        #expect(try h.store.attempts(run: run.id).count == 1)
    }
}
