import Foundation
import OSSLWatch
import OSSLWatchTestSupport

/// The end-to-end pipeline world of `PipelineE2EScenario` plus mail: a `mail:` section that
/// sends through the test SMTP server (STARTTLS and AUTH by default), the project's
/// `announce:` block pointing at the downstream changelog, and recipients unique to this
/// test so its messages can be told apart in the shared mailbox.
struct MailScenario {
    let e2e: PipelineE2EScenario
    /// A tag in every address of this test.
    let tag = UUID().uuidString.prefix(8).lowercased()

    init(_ services: TestServices) async throws {
        e2e = try await PipelineE2EScenario(services)
    }

    var services: TestServices { e2e.services }
    var list: String { "list-\(tag)@example.org" }
    var review: String { "review-\(tag)@example.org" }
    var maildir: String { e2e.stateDirectory + "/drafts" }

    func port(_ key: String) -> Int { Int(services.values[key] ?? "") ?? 0 }

    /// The `mail:` section; `to` defaults to this test's list.
    func mailSection(
        to: String? = nil, url: String? = nil, review: Bool = true, timeout: Int = 30, extra: String = "",
        retry: String = "{initial: 1s, max: 2s, attempts: 4}"
    ) -> String {
        """
        mail:
          from: "PyCA cryptography <cryptography-dev@example.org>"
          to: [\(to ?? list)]
          cc: ["Other List <other-\(tag)@example.org>"]
          domain: osslwatch.example.org
          signature: "-- Alex"
          templates: \(TestServices.repositoryRoot.appendingPathComponent("config/templates").path)
        \(review ? "  review: \(self.review)" : "")
        \(extra)
          smtp:
            url: \(url ?? "smtp://localhost:\(port("SMTP_STARTTLS_PORT"))")
            user: \(services.values["SMTP_USER"] ?? "")
            password_file: \(services.values["SMTP_PASSWORD_FILE"] ?? "")
            ca_file: \(services.caFile)
            connect_timeout: 5
            timeout: \(timeout)
          retry: \(retry)

        """
    }

    /// The project's announce block: names, links and the downstream changelog.
    var announceBlock: String {
        """
            announce:
              display_name: PyCA cryptography
              package_url: https://pypi.org/project/cryptography/
              changelog_url: https://cryptography.io/en/latest/changelog/
              changelog_file: \(e2e.downstream.changelog.path)
        """
    }

    /// verify-tarball, update-pin, the changelog script, then announce.
    var steps: String {
        [
            e2e.verifyTarballStep(), e2e.updatePinStep, e2e.commandStep("changelog", ["scripts/openssl-changelog.py"]),
            """
                  - name: announce
                    kind: announce
            """,
        ].joined(separator: "\n")
    }

    func writeConfig(steps: String? = nil, mail: String? = nil) throws {
        try e2e.writeConfig(steps: steps ?? self.steps, projectExtra: announceBlock)
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: e2e.configPath))
        handle.seekToEndOfFile()
        handle.write(Data((mail ?? mailSection()).utf8))
        try handle.close()
    }

    /// `osslwatch drafts --json`'s drafts.
    func drafts() async throws -> [[String: Any]] {
        let result = try await e2e.osslwatch(["drafts", "--json"])
        guard result.status == 0 else {
            throw OSSLWatchBinary.Failure(description: "drafts exited \(result.status): \(result.stderr)")
        }
        let entries = try result.json()["drafts"] as? [[String: Any]] ?? []
        return entries.compactMap { entry in
            var draft = entry["draft"] as? [String: Any]
            draft?["path"] = entry["path"]
            return draft
        }
    }

    /// One delivered message: its envelope and exact bytes.
    struct Delivered {
        let number: Int
        let recipients: [String]
        let bytes: Data
    }

    /// Messages in the test server's mailbox whose envelope names `address`, oldest first.
    func delivered(to address: String) -> [Delivered] {
        let mailbox = services.values["SMTP_MAILBOX"] ?? ""
        let names = (try? FileManager.default.contentsOfDirectory(atPath: mailbox)) ?? []
        return names.filter { $0.hasSuffix(".eml") }.compactMap { name -> Delivered? in
            let stem = String(name.dropLast(4))
            guard let number = Int(stem),
                let json = FileManager.default.contents(atPath: "\(mailbox)/\(stem).json"),
                let envelope = try? JSONSerialization.jsonObject(with: json) as? [String: Any],
                let recipients = envelope["rcpt_tos"] as? [String], recipients.contains(address),
                let bytes = FileManager.default.contents(atPath: "\(mailbox)/\(name)")
            else { return nil }
            return Delivered(number: number, recipients: recipients, bytes: bytes)
        }.sorted { $0.number < $1.number }
    }

    func cleanUp() { e2e.cleanUp() }
}
