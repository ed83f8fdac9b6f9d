import Foundation
import Testing

@testable import OSSLWatch
@testable import OSSLWatchCore

@Suite struct PipelineRunFactsTests {
    @Test("the facts appear as the documented OSSLWATCH_* variables")
    func environmentNames() throws {
        let digest = String(repeating: "ab", count: 32)
        let facts = try PipelineScratch.facts(
            sha256: digest.uppercased(), advisories: ["CVE-2025-9230", "CVE-2025-9231"], isSecurity: true)
        #expect(
            facts.environment == [
                "OSSLWATCH_RUN_ID": "7",
                "OSSLWATCH_PROJECT": "cryptography",
                "OSSLWATCH_PREVIOUS": "3.5.3",
                "OSSLWATCH_VERSION": "3.5.4",
                "OSSLWATCH_TAG": "openssl-3.5.4",
                "OSSLWATCH_SHA256": digest,
                "OSSLWATCH_NEXT_RELEASE": "46.0.2",
                "OSSLWATCH_SECURITY": "1",
                "OSSLWATCH_ADVISORIES": "CVE-2025-9230 CVE-2025-9231",
            ])
    }

    @Test("before verify-tarball the digest is empty and a non-security run says 0")
    func defaults() throws {
        let facts = try PipelineScratch.facts()
        #expect(facts.sha256 == nil)
        #expect(facts.environment["OSSLWATCH_SHA256"] == "")
        #expect(facts.environment["OSSLWATCH_SECURITY"] == "0")
        #expect(facts.environment["OSSLWATCH_ADVISORIES"] == "")
    }

    @Test("facts survive a JSON round trip")
    func codableRoundTrip() throws {
        let facts = try PipelineScratch.facts(
            sha256: String(repeating: "0", count: 64), advisories: ["CVE-2025-9230"], isSecurity: true)
        let decoded = try JSONDecoder().decode(RunFacts.self, from: JSONEncoder().encode(facts))
        #expect(decoded == facts)
    }

    @Test("a version shaped like shell cannot be built, so it never reaches a command")
    func shellShapedVersionIsRefused() throws {
        #expect(OpenSSLVersion("3.5.4$(touch /tmp/pwned)") == nil)
        #expect(OpenSSLVersion("openssl-3.5.4$(touch /tmp/pwned)") == nil)
        #expect(OpenSSLVersion("3.5.4; rm -rf /") == nil)
        let facts = try PipelineScratch.facts()
        var json = try #require(String(data: JSONEncoder().encode(facts), encoding: .utf8))
        json = json.replacingOccurrences(of: "\"3.5.4\"", with: "\"3.5.4$(touch /tmp/pwned)\"")
        #expect(json.contains("pwned"))
        #expect(throws: (any Error).self) { try JSONDecoder().decode(RunFacts.self, from: Data(json.utf8)) }
    }

    @Test("a next release, advisory, digest or project that is not in its grammar is refused")
    func strictFields() throws {
        #expect(throws: StepError.self) { try PipelineScratch.facts(nextRelease: "46.0.2$(id)") }
        #expect(throws: StepError.self) { try PipelineScratch.facts(nextRelease: "46.0.2rc1") }
        #expect(throws: StepError.self) { try PipelineScratch.facts(advisories: ["CVE-2025-9230 x"]) }
        #expect(throws: StepError.self) { try PipelineScratch.facts(advisories: ["$(id)"]) }
        #expect(throws: StepError.self) { try PipelineScratch.facts(sha256: "abc") }
        #expect(throws: StepError.self) { try PipelineScratch.facts(sha256: String(repeating: "g", count: 64)) }
        #expect(throws: StepError.self) {
            try RunFacts(
                runID: 1, project: "a b", previous: PipelineScratch.version("3.5.3"),
                target: PipelineScratch.version("3.5.4"), nextRelease: "1.0.1")
        }
    }
}
