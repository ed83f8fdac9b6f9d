import Foundation
import OSSLWatch
import OSSLWatchTestSupport
import OSSLWatchTransport
import Testing

/// The whole checklist driven by the real daemon against served feeds, a real signed
/// tarball and a downstream project in git; and the four ways verify-tarball must stop it.
@Suite struct PipelineE2ETests {
    let services: TestServices

    init() throws {
        services = try TestServices.load()
    }

    static let changelogLine = "* Updated Windows, macOS, and Linux wheels to be compiled with OpenSSL 3.5.4."

    @Test(
        "3.5.3 → 3.5.4 runs to done: pin commit with the verified digest, changelog line, 46.0.2, gate held until approved"
    )
    func checklistRunsToDone() async throws {
        let scenario = try await PipelineE2EScenario(services)
        defer { scenario.cleanUp() }
        try scenario.writeConfig(steps: scenario.checklistSteps)
        #expect(try await scenario.osslwatch(["config", "check"]).status == 0)
        let daemon = try scenario.start()
        try await AsyncCleanup.run {

            let found = try await scenario.waitForRun()
            let run = try #require(found, "no run appeared; log: \(daemon.log)")
            let gate = try await scenario.wait(for: run) { $0.stepState("release-gate") == "waiting-approval" }
            try #require(gate.stepState("release-gate") == "waiting-approval", "\(gate); log: \(daemon.log)")
            #expect(gate.state == "waiting-approval")
            #expect(gate.run["target"] as? String == "3.5.4" && gate.run["previous"] as? String == "3.5.3")
            #expect(gate.run["nextRelease"] as? String == "46.0.2")

            // The pin: a commit on osslwatch/openssl-3.5.4 with the new version and the tarball's digest.
            let digest = try SHA256Stream.hex(of: Data(contentsOf: URL(fileURLWithPath: scenario.tarball.tarballPath)))
            #expect(gate.run["sha256"] as? String == digest)
            let pin = try #require(await scenario.downstream.infraFile(at: "osslwatch/openssl-3.5.4"))
            #expect(pin == DownstreamProject.pinText(version: "3.5.4", digest: digest))
            #expect(
                await scenario.downstream.infraFile(at: "main")
                    == DownstreamProject.pinText(
                        version: "3.5.3", digest: DownstreamProject.previousDigest))
            let subject = try await DownstreamProject.git(
                ["log", "-1", "--format=%s", "osslwatch/openssl-3.5.4"], in: scenario.downstream.infra)
            #expect(subject.contains("3.5.4"), "commit subject: \(subject)")

            // Changelog line under a 46.0.2 heading, version bumped, release not run.
            let changelog = try scenario.downstream.read(scenario.downstream.changelog)
            #expect(changelog.contains(Self.changelogLine))
            #expect(changelog.contains(".. _v46-0-2:\n\n46.0.2 - "))
            let heading = try #require(changelog.range(of: ".. _v46-0-2:"))
            let line = try #require(changelog.range(of: Self.changelogLine))
            let previousHeading = try #require(changelog.range(of: ".. _v46-0-1:"))
            #expect(heading.upperBound < line.lowerBound && line.upperBound < previousHeading.lowerBound)
            #expect(try scenario.downstream.read(scenario.downstream.pyproject).contains("version = \"46.0.2\"\n"))
            #expect(!FileManager.default.fileExists(atPath: scenario.downstream.releasedMarker.path))
            #expect(gate.stepState("release") == "pending" && gate.attempts("release").isEmpty)

            // The gate holds through a wake-up: a poll request is handled and the release still does not run.
            #expect(try await scenario.osslwatch(["trigger", "--pid-file", scenario.daemon.pidFile]).status == 0)
            let handled = try await Wait.until(timeout: .seconds(15), every: Wait.spawnInterval) {
                let status = try await scenario.osslwatch(["status", "--json"]).json()
                return (status["pendingRequests"] as? [Any])?.isEmpty == true
            }
            #expect(handled)
            let held = try await scenario.show(run)
            #expect(held.stepState("release-gate") == "waiting-approval" && held.stepState("release") == "pending")
            #expect(!FileManager.default.fileExists(atPath: scenario.downstream.releasedMarker.path))

            let listing = try await scenario.osslwatch(["runs"])
            #expect(listing.status == 0)
            #expect(
                listing.stdout.contains("3.5.3 → 3.5.4") && listing.stdout.contains("release-gate (waiting-approval)"))

            // Approve the release gate; then every remaining gate (send gate, and the security one if selected).
            let approved = try await scenario.osslwatch(["approve", String(run), "--step", "release-gate"])
            #expect(approved.status == 0, "\(approved.stderr)")
            #expect(approved.stdout.contains("sent SIGUSR1"))
            var last = held
            for _ in 0..<3 {
                last = try await scenario.wait(for: run) { $0.state == "waiting-approval" || $0.state == "done" }
                guard last.state == "waiting-approval" else { break }
                #expect(FileManager.default.fileExists(atPath: scenario.downstream.releasedMarker.path))
                #expect(try await scenario.osslwatch(["approve", String(run)]).status == 0)
            }
            #expect(last.state == "done", "\(last); log: \(daemon.log)")
            #expect(try scenario.downstream.read(scenario.downstream.releasedMarker) == "46.0.2\n")
            #expect(last.stepState("verify-wheels") == "done" && last.stepState("announce") == "done")
            #expect(last.step("release-gate")?["approvedAt"] != nil)
            let release = try #require(last.attempts("release").first)
            #expect(release["exitCode"] as? Int == 0 && release["finishedAt"] != nil)
            let stdout = try #require(release["stdoutPath"] as? String)
            #expect(FileManager.default.fileExists(atPath: stdout))
            #expect(
                scenario.journalCounts() == ["changelog": 1, "bump-version": 1, "release": 1],
                "\(scenario.journalCounts())")

            let detail = try await scenario.osslwatch(["runs", "show", String(run)])
            #expect(detail.stdout.contains("release-gate [approval] done") && detail.stdout.contains("attempt 1:"))
        } finally: {
            await daemon.terminate(within: .seconds(15))
        }
    }

    /// The ways a release can be untrustworthy, each with words the reason must contain.
    enum Tamper: String, CaseIterable, Sendable {
        case tamperedTarball, wrongChecksum, badSignature, missingKeyring
    }

    @Test(
        "a tampered tarball, a wrong .sha256, a bad signature, a missing keyring: the run fails at verify-tarball",
        arguments: Tamper.allCases)
    func untrustedTarballStopsTheRun(_ tamper: Tamper) async throws {
        let scenario = try await PipelineE2EScenario(services)
        defer { scenario.cleanUp() }
        let tarball = URL(fileURLWithPath: scenario.tarball.tarballPath)
        var keyring: String?
        let expected: String
        switch tamper {
        case .tamperedTarball:
            var bytes = try Data(contentsOf: tarball)
            bytes[bytes.count / 2] ^= 0x01
            try bytes.write(to: tarball)
            expected = ".sha256"
        case .wrongChecksum:
            let wrong = String(repeating: "0", count: 64)
            try Data("\(wrong) *openssl-3.5.4.tar.gz\n".utf8).write(to: tarball.appendingPathExtension("sha256"))
            expected = wrong
        case .badSignature:
            try await scenario.tarball.stranger.sign(tarball.path, output: tarball.path + ".asc")
            expected = "signature"
        case .missingKeyring:
            keyring = scenario.work.appendingPathComponent("no-such-keyring.gpg").path
            expected = "no-such-keyring.gpg"
        }
        let steps =
            [scenario.verifyTarballStep(keyring: keyring)]
            + scenario.checklistSteps.split(
                separator: "\n", omittingEmptySubsequences: false
            ).map(String.init).drop(while: { !$0.contains("name: update-pin") })
        try scenario.writeConfig(steps: steps.joined(separator: "\n"))
        let daemon = try scenario.start()
        try await AsyncCleanup.run {

            let found = try await scenario.waitForRun()
            let run = try #require(found, "no run appeared; log: \(daemon.log)")
            let view = try await scenario.wait(for: run) { $0.state == "failed" || $0.state == "needs-attention" }
            #expect(view.state == "failed", "\(view)")
            #expect(view.stepState("verify-tarball") == "failed")
            let reason = try #require(view.stepReason("verify-tarball"), "\(view.json)")
            #expect(reason.contains(expected), "reason: \(reason)")
            #expect(!reason.contains("\n"))
            #expect(view.reason?.isEmpty == false)
            #expect(view.stepState("update-pin") == "pending" && view.attempts("update-pin").isEmpty)
            #expect(await scenario.downstream.infraFile(at: "osslwatch/openssl-3.5.4") == nil)
            #expect(scenario.journalCounts().isEmpty)
            #expect(view.run["sha256"] is NSNull || view.run["sha256"] == nil)
        } finally: {
            await daemon.terminate(within: .seconds(15))
        }
    }
}
