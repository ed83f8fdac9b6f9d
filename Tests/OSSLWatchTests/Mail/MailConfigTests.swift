import Foundation
import OSSLWatch
import OSSLWatchCore
import Testing

@Suite struct MailConfigTests {
    static let base = ConfigYAML.minimal()

    static let mail = """
        mail:
          from: "PyCA cryptography <cryptography-dev@python.org>"
          to: [cryptography-dev@python.org, python-announce-list@python.org]
          security_to: oss-security@lists.openwall.com
          maintainers: [alex@example.org]
          review: reviewer@example.org
          domain: osslwatch.example.org
          signature: "Alex"
          notices: {approval: true}
          smtp:
            url: smtp://mail.example.org:587
            user: osslwatch
            password_file: smtp-password
            connect_timeout: 5s
            timeout: 2m
            envelope_from: bounces@example.org
          retry: {initial: 30s, max: 10m, attempts: 3}

        """

    func load(_ yaml: String) throws(ConfigError) -> Configuration {
        try ConfigLoader.load(
            yaml: Self.base + yaml, file: "/tmp/mail-test/osslwatch.yaml", environment: [:],
            options: ConfigLoader.Options(checkFiles: false))
    }

    @Test("every mail key is read, defaults filled in, paths made absolute")
    func everyKey() throws {
        let mail = try #require(try load(Self.mail).mail)
        #expect(mail.from == "PyCA cryptography <cryptography-dev@python.org>")
        #expect(mail.to == ["cryptography-dev@python.org", "python-announce-list@python.org"])
        #expect(mail.securityTo == ["oss-security@lists.openwall.com"])
        #expect(mail.maintainers == ["alex@example.org"] && mail.review == "reviewer@example.org")
        #expect(mail.templates == "/tmp/mail-test/templates")
        #expect(mail.domain == "osslwatch.example.org" && mail.signature == "Alex" && mail.noticesNeedApproval)
        #expect(mail.smtp.url == "smtp://mail.example.org:587" && mail.smtp.user == "osslwatch")
        #expect(mail.smtp.passwordFile == "/tmp/mail-test/smtp-password")
        #expect(mail.smtp.requireSTARTTLS && mail.smtp.connectTimeout == 5 && mail.smtp.timeout == 120)
        #expect(mail.smtp.envelopeFrom == "bounces@example.org")
        #expect(mail.retry == MailSettings.Retry(initial: 30, maximum: 600, attempts: 3))
    }

    @Test("the domain defaults to the From address's; retry and STARTTLS have defaults")
    func defaults() throws {
        let yaml = """
            mail:
              from: osslwatch@lists.example.org
              to: list@example.org
              smtp: {url: "smtps://mail.example.org"}

            """
        let mail = try #require(try load(yaml).mail)
        #expect(mail.domain == "lists.example.org" && mail.to == ["list@example.org"])
        #expect(mail.smtp.requireSTARTTLS && mail.smtp.user == nil && mail.retry == MailSettings.Retry())
        #expect(!mail.noticesNeedApproval && mail.maintainers.isEmpty && mail.review == nil)
    }

    @Test(
        "bad mail values are one-line errors with their key path",
        arguments: [
            ("mail:\n  to: a@b.org\n  smtp: {url: \"smtp://h\"}\n", "mail.from"),
            ("mail:\n  from: \"a@b.org\\r\\nBcc: x@y.org\"\n  to: a@b.org\n  smtp: {url: \"smtp://h\"}\n", "mail.from"),
            ("mail:\n  from: a@b.org\n  to: [a@b.org, not-an-address]\n  smtp: {url: \"smtp://h\"}\n", "mail.to[1]"),
            ("mail:\n  from: a@b.org\n  to: a@b.org\n  smtp: {url: \"https://h\"}\n", "mail.smtp.url"),
            ("mail:\n  from: a@b.org\n  to: a@b.org\n  smtp: {url: \"smtp://u:p@h\"}\n", "mail.smtp.url"),
            ("mail:\n  from: a@b.org\n  to: a@b.org\n  smtp: {url: \"smtp://h\", password: x}\n", "mail.smtp.password"),
            (
                "mail:\n  from: a@b.org\n  to: a@b.org\n  smtp: {url: \"smtp://h\", user: u, require_starttls: false}\n",
                "mail.smtp.require_starttls"
            ),
            (
                "mail:\n  from: a@b.org\n  to: a@b.org\n  smtp: {url: \"smtp://h\"}\n  retry: {attempts: 0}\n",
                "mail.retry.attempts"
            ),
            ("mail:\n  from: a@b.org\n  to: a@b.org\n  smtp: {url: \"smtp://h\"}\n  domain: \"a b\"\n", "mail.domain"),
            ("mail:\n  from: a@b.org\n  to: a@b.org\n", "mail.smtp"),
        ])
    func errors(_ yaml: String, _ keyPath: String) throws {
        do {
            _ = try load(yaml)
            Issue.record("accepted: \(yaml)")
        } catch {
            #expect(error.keyPath == keyPath, "\(error)")
            #expect(!error.description.contains("\n"))
            #expect(ConfigError.exitStatus == 78)
        }
    }

    @Test("with mail:, a project that announces must give its package and changelog links")
    func announceNeedsLinks() throws {
        let steps = "    steps:\n      - {name: announce, kind: announce}\n"
        let minimal = "mail:\n  from: a@b.org\n  to: a@b.org\n  smtp: {url: \"smtp://h\"}\n"
        do {
            _ = try load(steps + minimal)
            Issue.record("accepted an announce step without links")
        } catch {
            #expect(error.keyPath == "projects[0].announce" && error.message.contains("package_url and changelog_url"))
        }
        let links = "    announce: {package_url: \"https://pypi.org/p/\", changelog_url: \"https://x.org/c\"}\n"
        #expect(try load(steps + links + minimal).projects[0].announce?.packageURL == "https://pypi.org/p/")
        #expect(try load(steps).mail == nil)
    }

    @Test("a project's announce block: names, links, changelog, list overrides")
    func announceBlock() throws {
        let yaml = """
                announce:
                  display_name: PyCA cryptography
                  package_url: https://pypi.org/project/cryptography/
                  changelog_url: https://cryptography.io/en/latest/changelog/
                  changelog_file: repo/CHANGELOG.rst
                  to: [cryptography-dev@python.org]
                  cc: []

            """
        let project = try #require(try load(yaml).projects.first)
        let announce = try #require(project.announce)
        #expect(announce.displayName == "PyCA cryptography")
        #expect(announce.packageURL == "https://pypi.org/project/cryptography/")
        #expect(announce.changelogFile == "/tmp/mail-test/repo/CHANGELOG.rst")
        #expect(announce.to == ["cryptography-dev@python.org"] && announce.cc == [])
        do {
            _ = try load("    announce:\n      package_url: http://pypi.org/\n")
            Issue.record("http package_url accepted")
        } catch {
            #expect(error.keyPath == "projects[0].announce.package_url")
        }
    }
}
