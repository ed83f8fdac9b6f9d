import Foundation
import Testing

@testable import OSSLWatch
@testable import OSSLWatchCore

@Suite struct TemplateSetTests {
    /// A fresh template directory holding the given files.
    private func directory(_ files: [String: String]) throws -> String {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("templates-\(UUID().uuidString)")
        for (name, text) in files {
            let url = root.appendingPathComponent(name)
            try FileManager.default.createDirectory(
                at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            try text.write(to: url, atomically: true, encoding: .utf8)
        }
        return root.path
    }

    private func renderError(_ text: String, context: AnnouncementContext? = nil) throws -> MailError {
        let dir = try directory(["announcement.mustache": text])
        let set = TemplateSet(directory: dir)
        let context = try context ?? AnnounceFixtures.context()
        do {
            _ = try set.render(kind: .announcement, project: "cryptography", context: context)
        } catch {
            #expect(error.file == dir + "/announcement.mustache")
            return error
        }
        Issue.record("rendering did not fail")
        return MailError(.templateSyntax, "none")
    }

    @Test func shippedTemplatesPassTheNameCheck() throws {
        try TemplateSet(directory: AnnounceFixtures.templates).validate(project: "cryptography")
    }

    @Test func missingVariableNamesFileLineAndVariable() throws {
        let error = try renderError("Subject: {{displayName}}\n\nHello\n\nSee {{packageUrl}} now.\n")
        #expect(error.code == .templateVariable)
        #expect(error.line == 5)
        #expect(error.variable == "packageUrl")
        #expect(error.description.hasSuffix("/announcement.mustache:5: unknown variable `packageUrl`"))
    }

    @Test func missingVariableInASectionNotTakenIsStillAnError() throws {
        let error = try renderError(
            "Subject: x\n\n{{#advisories}}\n* {{cve}} {{sevrity}}\n{{/advisories}}\n")
        #expect(error.code == .templateVariable)
        #expect(error.line == 4)
        #expect(error.variable == "sevrity")
    }

    @Test func missingVariableInTheSubjectIsOnLineOne() throws {
        let error = try renderError("Subject: {{name}} released\n\nbody\n")
        #expect(error.line == 1)
        #expect(error.variable == "name")
    }

    @Test func unclosedSectionNamesTheLineItOpensOn() throws {
        let error = try renderError("Subject: x\n\nline 3\n{{#changelogBullets}}\n* {{.}}\n\nend\n")
        #expect(error.code == .templateSyntax)
        #expect(error.line == 4)
        #expect(error.variable == "changelogBullets")
        #expect(error.message.contains("never closed"))
    }

    @Test func wronglyClosedSectionIsASyntaxError() throws {
        let error = try renderError("Subject: x\n\n{{#advisories}}\n{{cve}}\n{{/changelogBullets}}\n")
        #expect(error.code == .templateSyntax)
        #expect(error.line == 5)
    }

    @Test func unterminatedTagIsASyntaxError() throws {
        let error = try renderError("Subject: x\n\nfine\n{{displayName\n")
        #expect(error.code == .templateSyntax)
        #expect(error.line == 4)
    }

    @Test func fileFormatIsCheckedFirst() throws {
        #expect(try renderError("Hello {{displayName}}\n\nbody\n").line == 1)
        #expect(try renderError("Subject: x\nbody right away\n").line == 2)
        #expect(try renderError("Subject: x\n\n{{> partial}}\n").code == .templateSyntax)
    }

    @Test func emptySubjectIsAnError() throws {
        let error = try renderError("Subject: {{#highestSeverity}}x{{/highestSeverity}}\n\nbody\n")
        #expect(error.code == .templateSyntax)
        #expect(error.line == 1)
    }

    @Test func printingAnEmptyOptionalIsAnError() throws {
        // Declared but nil in a plain release: printing it outside its section is a mistake.
        let error = try renderError("Subject: x\n\nSeverity {{highestSeverity}}\n")
        #expect(error.code == .templateVariable)
        #expect(error.line == 3)
        #expect(error.variable == "highestSeverity")
        let dir = try directory([
            "announcement.mustache":
                "Subject: x\n\n{{#highestSeverity}}Severity {{highestSeverity}}{{/highestSeverity}}.\n"
        ])
        let text = try TemplateSet(directory: dir).render(
            kind: .announcement, project: "p", context: AnnounceFixtures.context())
        #expect(text.body == ".\n")
    }

    @Test func valuesAreInsertedVerbatimAndNeverReadAsMustache() throws {
        let dir = try directory([
            "announcement.mustache": "Subject: {{displayName}} {{{nextRelease}}}\n\n{{signature}}|{{&signature}}\n"
        ])
        var context = try AnnounceFixtures.context()
        context.displayName = "A & B <c@d> \"q\""
        context.nextRelease = "{{project}}"
        context.signature = "{{#advisories}}x{{/advisories}} {{{project}}} <br>"
        let text = try TemplateSet(directory: dir).render(kind: .announcement, project: "p", context: context)
        #expect(text.subject == "A & B <c@d> \"q\" {{project}}")
        #expect(
            text.body
                == "{{#advisories}}x{{/advisories}} {{{project}}} <br>|{{#advisories}}x{{/advisories}} {{{project}}} <br>\n"
        )
    }

    @Test func delimiterChangesCommentsAndTransformsAreFollowed() throws {
        let dir = try directory([
            "announcement.mustache": """
            Subject: {{uppercased(displayName)}}

            {{! a comment
            spanning lines }}
            {{=<% %>=}}
            <%nextRelease%> <%&anchor%> {{literal}}
            <%={{ }}=%>
            {{#advisories}}{{cve}}{{^last()}}, {{/last()}}{{/advisories}}
            {{^empty(supportedSeries)}}series{{/empty(supportedSeries)}}
            """
        ])
        let context = try AnnounceFixtures.context(advisories: AnnounceFixtures.advisories)
        let text = try TemplateSet(directory: dir).render(kind: .announcement, project: "p", context: context)
        #expect(text.subject == "PYCA CRYPTOGRAPHY")
        #expect(text.body == "46.0.2 v46-0-2 {{literal}}\nCVE-2025-9230, CVE-2025-9231, CVE-2025-9232\n")

        let misspelt = try renderError("Subject: x\n\n{{=<% %>=}}\n\n<%nextRelase%>\n")
        #expect(misspelt.line == 5)
        #expect(misspelt.variable == "nextRelase")
        let transformed = try renderError("Subject: x\n\n{{lowercased(displayNam)}}\n")
        #expect(transformed.variable == "displayNam")
    }

    @Test func subjectLineBreaksFromValuesBecomeSpaces() throws {
        let dir = try directory(["announcement.mustache": "Subject: {{displayName}} released\n\nbody\n"])
        var context = try AnnounceFixtures.context()
        context.displayName = "Evil\r\nBcc: victim@example.org"
        let text = try TemplateSet(directory: dir).render(kind: .announcement, project: "p", context: context)
        #expect(text.subject == "Evil  Bcc: victim@example.org released")
    }

    @Test func projectDirectoryOverridesTheDefault() throws {
        let dir = try directory([
            "announcement.mustache": "Subject: default\n\nbody\n",
            "cryptography/announcement.mustache": "Subject: {{displayName}} special\n\nbody\n",
        ])
        let set = TemplateSet(directory: dir)
        let context = try AnnounceFixtures.context()
        #expect(
            try set.render(kind: .announcement, project: "cryptography", context: context).subject
                == "PyCA cryptography special")
        #expect(try set.render(kind: .announcement, project: "other", context: context).subject == "default")
        #expect(set.templateFile(kind: .announcement, project: "../cryptography").hasSuffix("/announcement.mustache"))
        #expect(!set.templateFile(kind: .announcement, project: "../cryptography").contains(".."))
    }

    @Test func missingTemplateFileIsNamed() throws {
        let dir = try directory([:])
        #expect(throws: MailError.self) {
            try TemplateSet(directory: dir).render(kind: .notice, project: "p", context: AnnounceFixtures.context())
        }
        let context = try AnnounceFixtures.context()
        do {
            _ = try TemplateSet(directory: dir).render(kind: .notice, project: "p", context: context)
        } catch {
            #expect(error.code == .templateMissing)
            #expect(error.file == dir + "/notice.mustache")
        }
    }

    @Test(arguments: NoticeTopic.allCases)
    func noticeTemplateRendersEveryTopic(topic: NoticeTopic) throws {
        let context = AnnouncementContext.notice(
            topic: topic, project: "cryptography", displayName: "PyCA cryptography",
            linked: OpenSSLVersion("3.0.17")!, series: Series("3.0"),
            eolDate: Date(timeIntervalSince1970: 1_788_739_200),
            supportedSeries: [Series("3.5")!, Series("3.6")!], expected: AnnounceFixtures.date,
            advisories: AnnounceFixtures.advisories, message: "Reason given by the verdict.")
        let text = try TemplateSet(directory: AnnounceFixtures.templates).render(
            kind: .notice, project: "cryptography", context: context)
        #expect(text.subject.hasPrefix("[osslwatch] PyCA cryptography: "))
        #expect(text.body.contains("Reason given by the verdict."))
        #expect(!text.body.contains("\n\n\n"))
        switch topic {
        case .newSeries: #expect(text.subject.hasSuffix("OpenSSL 3.0 is available"))
        case .eolSoon:
            #expect(text.subject.hasSuffix("OpenSSL 3.0 reaches end of life on 2026-09-07"))
            #expect(text.body.contains("* OpenSSL 3.5\n* OpenSSL 3.6\n"))
        case .linkedSeriesEOL: #expect(text.body.contains("past its end of life (since 2026-09-07)"))
        case .urgentAdvisory:
            #expect(text.body.contains("* CVE-2025-9230: Out-of-bounds read & write in RFC 3211 KEK Unwrap"))
        case .expectedRelease: #expect(text.subject.hasSuffix("expected on 2025-09-30"))
        }
    }
}
