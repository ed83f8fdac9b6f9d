import Foundation
import Testing

@testable import OSSLWatch

@Suite struct MailAddressTests {
    @Test func parsesBareAndNamedForms() throws {
        let bare = try MailAddress(parsing: " cryptography-dev@python.org ")
        #expect(bare.displayName == nil)
        #expect(bare.addrSpec == "cryptography-dev@python.org")
        #expect(bare.headerValue == "cryptography-dev@python.org")

        let named = try MailAddress(parsing: "PyCA Release Bot <bot+osslwatch@Example.ORG>")
        #expect(named.displayName == "PyCA Release Bot")
        #expect(named.addrSpec == "bot+osslwatch@example.org")
        #expect(named.headerValue == "PyCA Release Bot <bot+osslwatch@example.org>")

        let angle = try MailAddress(parsing: "<a@b.example>")
        #expect(angle.displayName == nil)

        let quoted = try MailAddress(parsing: #""Kehrer, Paul \"reaperhulk\"" <p@example.org>"#)
        #expect(quoted.displayName == #"Kehrer, Paul "reaperhulk""#)
        #expect(quoted.headerValue == #""Kehrer, Paul \"reaperhulk\"" <p@example.org>"#)
    }

    @Test func specialsInNamesAreQuotedOnOutput() throws {
        let address = try MailAddress(displayName: "P. Maintainer (release)", addrSpec: "p@example.org")
        #expect(address.headerValue == #""P. Maintainer (release)" <p@example.org>"#)
    }

    @Test func nonASCIINamesAreEncodedWords() throws {
        let address = try MailAddress(parsing: "Zoë Ünal <zoe@example.org>")
        let value = address.headerValue
        #expect(value.unicodeScalars.allSatisfy { $0.isASCII })
        #expect(value.hasPrefix("=?utf-8?"))
        #expect(value.hasSuffix(" <zoe@example.org>"))
        #expect(AnnounceFixtures.decodeHeader(value) == "Zoë Ünal <zoe@example.org>")
    }

    @Test(arguments: [
        "a@b.example\r\nBcc: victim@example.org",
        "Name <a@b.example>\nBcc: victim@example.org",
        "a@b.example\0",
        "Name\r\n <a@b.example>",
        "a@b.example, victim@example.org",
        "Name <a@b.example>, victim@example.org",
        "Name <a@b.example> trailing",
        "Na<me <a@b.example>",
        "Name, Other <a@b.example>",
        "\"unterminated <a@b.example>",
        "a b@example.org",
        "a@b@example.org",
        "@example.org",
        "a@",
        "a..b@example.org",
        ".a@example.org",
        "\"quoted local\"@example.org",
        "a@-example.org",
        "a@exa_mple.org",
        "ä@example.org",
        "a@exämple.org",
        "a@[127.0.0.1]",
        "a@b.example>",
        "",
        "Name <>",
        "Tab\tName <a@b.example>",
    ])
    func refusesUnsafeOrMalformedAddresses(text: String) {
        #expect(throws: MailError.self) { try MailAddress(parsing: text) }
    }

    @Test func refusesControlCharactersInBuiltNames() {
        #expect(throws: MailError.self) { try MailAddress(displayName: "a\r\nBcc: x@y.z", addrSpec: "a@b.example") }
    }

    @Test func codableAsItsText() throws {
        let address = try MailAddress(parsing: "Zoë <zoe@example.org>")
        let data = try JSONEncoder().encode([address])
        #expect(String(decoding: data, as: UTF8.self) == #"["Zoë <zoe@example.org>"]"#)
        #expect(try JSONDecoder().decode([MailAddress].self, from: data) == [address])
        #expect(throws: DecodingError.self) {
            try JSONDecoder().decode([MailAddress].self, from: Data(#"["a@b\r\nBcc: c@d"]"#.utf8))
        }
    }
}
