import Foundation
import OSSLWatchCore
import Testing

@testable import OSSLWatch

/// What `osslwatch runs` and `runs show` print, from records alone: the step a run stands
/// at, and text without trailing blanks.
@Suite struct RunsCommandRenderingTests {
    static let at = Date(timeIntervalSince1970: 1_759_240_800)  // 2025-09-30 14:00:00 UTC

    static func run(_ state: RunState, reason: String? = nil) throws -> RunRecord {
        RunRecord(
            id: 7, project: "cryptography", previous: try #require(OpenSSLVersion("3.5.3")),
            target: try #require(OpenSSLVersion("3.5.4")), nextRelease: "46.0.2", state: state, reason: reason,
            createdAt: at, updatedAt: at)
    }

    static func step(_ index: Int, _ name: String, _ kind: StepKind, _ state: StepState, reason: String? = nil)
        -> StepRecord
    {
        StepRecord(
            runID: 7, index: index, name: name, kind: kind, state: state, idempotent: kind != .command,
            reason: reason, updatedAt: at.addingTimeInterval(Double(index)))
    }

    @Test("the current step is the first neither done nor skipped; the table names it with its state")
    func listShowsCurrentStep() throws {
        let steps = [
            Self.step(0, "verify-tarball", .verifyTarball, .failed, reason: "published .sha256 says 00"),
            Self.step(1, "update-pin", .updatePin, .pending),
        ]
        let report = RunsReport(
            generatedAt: Self.at, runs: [RunsReport.Row(run: try Self.run(.failed, reason: "bad"), steps: steps)])
        #expect(report.runs[0].currentStep == "verify-tarball" && report.runs[0].currentStepState == .failed)
        #expect(report.runs[0].updatedAt == Self.at.addingTimeInterval(1))
        let text = RunsReportRenderer.text(report)
        #expect(
            text == """
                ID  PROJECT       OPENSSL        NEXT RELEASE  STATE   STEP                     UPDATED
                7   cryptography  3.5.3 → 3.5.4  46.0.2        failed  verify-tarball (failed)  2025-09-30 14:00:01 UTC

                """)
        let done = [Self.step(0, "gate", .approval, .done), Self.step(1, "notes", .command, .skipped)]
        #expect(RunsReport.currentStep(of: done) == nil)
        #expect(RunsReportRenderer.text(RunsReport(generatedAt: Self.at, runs: [])) == "No runs.\n")
    }

    @Test("runs show lists every step with reason, attempts, exit code and log paths; JSON keeps them all")
    func detailShowsAttempts() throws {
        let steps = [
            Self.step(0, "changelog", .command, .needsAttention, reason: "interrupted"),
            Self.step(1, "release-gate", .approval, .pending),
        ]
        let attempts = [
            AttemptRecord(
                runID: 7, step: "changelog", number: 2, startedAt: Self.at.addingTimeInterval(60),
                finishedAt: nil, outcome: .interrupted),
            AttemptRecord(
                runID: 7, step: "changelog", number: 1, startedAt: Self.at, finishedAt: Self.at.addingTimeInterval(2),
                exitCode: 1, stdoutPath: "/var/lib/osslwatch/runs/7/logs/changelog-attempt1.out",
                stderrPath: "/var/lib/osslwatch/runs/7/logs/changelog-attempt1.err", outcome: .failed),
        ]
        let detail = RunsReportDetail(
            generatedAt: Self.at, run: try Self.run(.needsAttention), steps: steps, attempts: attempts)
        #expect(detail.steps[0].attempts.map(\.number) == [1, 2])
        let text = RunsReportRenderer.text(detail)
        #expect(text.contains("  1. changelog [command] needs-attention: interrupted\n"))
        #expect(text.contains("attempt 1: 2025-09-30 14:00:00 UTC → 2025-09-30 14:00:02 UTC, failed, exit 1\n"))
        #expect(text.contains("attempt 2: 2025-09-30 14:01:00 UTC → not finished, interrupted\n"))
        #expect(text.contains("stderr /var/lib/osslwatch/runs/7/logs/changelog-attempt1.err\n"))
        #expect(!text.split(separator: "\n").contains { $0.hasSuffix(" ") })
        let json = try #require(
            JSONSerialization.jsonObject(with: Data(RunsReportRenderer.json(detail).utf8)) as? [String: Any])
        let first = try #require((json["steps"] as? [[String: Any]])?.first)
        #expect(first["state"] as? String == "needs-attention")
        #expect((first["attempts"] as? [[String: Any]])?.first?["exitCode"] as? Int == 1)
        #expect((json["run"] as? [String: Any])?["target"] as? String == "3.5.4")
    }
}
