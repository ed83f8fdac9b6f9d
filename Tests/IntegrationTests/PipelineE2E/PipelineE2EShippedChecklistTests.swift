import Foundation
import OSSLWatch
import OSSLWatchTestSupport
import Testing

/// The shipped config/osslwatch.yaml carries pyca/cryptography's release checklist as steps,
/// each commented with the checklist line it automates.
@Suite struct PipelineE2EShippedChecklistTests {
    static let path = TestServices.repositoryRoot.appendingPathComponent("config/osslwatch.yaml").path

    @Test("the shipped checklist loads in the checklist's order, gates before release and send, security steps marked")
    func shippedStepsInOrder() throws {
        let config = try ConfigLoader.load(
            path: Self.path, environment: [:], options: ConfigLoader.Options(checkFiles: false))
        let steps = try #require(config.projects.first { $0.name == "cryptography" }).steps
        #expect(
            steps.map(\.name) == [
                "verify-tarball", "update-pin", "changelog", "bump-version", "release-gate", "release",
                "verify-wheels", "security-advisory", "oss-security", "send-gate", "announce",
            ])
        #expect(
            steps.map(\.kind) == [
                .verifyTarball, .updatePin, .command, .command, .approval, .command, .verifyArtifact, .approval,
                .approval, .approval, .announce,
            ])
        #expect(steps.filter { $0.when == .security }.map(\.name) == ["security-advisory", "oss-security"])
        #expect(steps.filter { $0.kind == .command }.allSatisfy { !$0.idempotent })
        guard case .verifyTarball(_, let keyring, let fingerprint, _) = steps[0].action else {
            Issue.record("first step is not verify-tarball")
            return
        }
        #expect(keyring.hasPrefix("/etc/osslwatch/"))
        #expect(fingerprint == "BA5473A2B0587B07FB27CF2D216094DFD0CB81EF")
        for step in steps where step.kind == .command {
            guard case .command(let spec) = step.action else { continue }
            #expect(!spec.argv.contains { $0.contains("$") || $0.contains("{") }, "\(spec.argv)")
        }
    }

    @Test("every shipped step is preceded by a comment naming the checklist line it automates")
    func everyStepIsMappedToTheChecklist() throws {
        let lines = try String(contentsOfFile: Self.path, encoding: .utf8).split(
            separator: "\n", omittingEmptySubsequences: false)
        let start = try #require(lines.firstIndex { $0.trimmingCharacters(in: .whitespaces) == "steps:" })
        var comment = ""
        var unmapped: [String] = []
        for line in lines[start...] {
            let text = line.trimmingCharacters(in: .whitespaces)
            if text.hasPrefix("#") {
                comment += text
            } else if text.hasPrefix("- name:") {
                // Steps in one block (no blank line between them) share the block's comment.
                if !comment.contains("Checklist ") { unmapped.append(text) }
            } else if text.isEmpty {
                comment = ""
            }
        }
        #expect(unmapped.isEmpty, "steps without a checklist comment: \(unmapped)")
    }
}
