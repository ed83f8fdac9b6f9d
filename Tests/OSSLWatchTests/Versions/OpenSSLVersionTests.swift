import Foundation
import OSSLWatch
import OSSLWatchCore
import Testing

@Suite struct OpenSSLVersionTests {
    @Test(
        "bare forms parse into their parts",
        arguments: [
            ("3.5.4", 3, 5, 4, "", nil),
            ("3.10.0", 3, 10, 0, "", nil),
            ("4.0.1", 4, 0, 1, "", nil),
            ("1.1.1", 1, 1, 1, "", nil),
            ("1.1.1a", 1, 1, 1, "a", nil),
            ("1.1.1w", 1, 1, 1, "w", nil),
            ("1.1.1za", 1, 1, 1, "za", nil),
            ("1.1.1zh", 1, 1, 1, "zh", nil),
            ("1.0.2zq", 1, 0, 2, "zq", nil),
            ("3.6.0-alpha1", 3, 6, 0, "", "alpha1"),
            ("3.6.0-beta1", 3, 6, 0, "", "beta1"),
            ("3.5.0-beta12", 3, 5, 0, "", "beta12"),
        ] as [(String, Int, Int, Int, String, String?)]
    )
    func bareForms(text: String, major: Int, minor: Int, patch: Int, letters: String, pre: String?) throws {
        let version = try #require(OpenSSLVersion.parse(bare: text))
        #expect(version.major == major)
        #expect(version.minor == minor)
        #expect(version.patch == patch)
        #expect(version.letters == letters)
        #expect(version.isPrerelease == (pre != nil))
        #expect(version.description == text)
        #expect(OpenSSLVersion(text) == version)
    }

    @Test(
        "git tags parse and print back",
        arguments: [
            ("openssl-3.5.4", "3.5.4"),
            ("openssl-3.6.0-beta1", "3.6.0-beta1"),
            ("openssl-3.0.0-alpha17", "3.0.0-alpha17"),
            ("OpenSSL_1_1_1w", "1.1.1w"),
            ("OpenSSL_1_1_1", "1.1.1"),
            ("OpenSSL_1_1_1zh", "1.1.1zh"),
        ]
    )
    func tags(tag: String, bare: String) throws {
        let version = try #require(OpenSSLVersion.parse(tag: tag))
        #expect(version.description == bare)
        #expect(version.tag == tag)
        #expect(OpenSSLVersion(tag) == version)
    }

    @Test(
        "version texts parse, including the 1.1.1 double space and one-digit days",
        arguments: [
            ("OpenSSL 3.0.19 27 Jan 2026", "3.0.19"),
            ("OpenSSL 1.1.1w  11 Sep 2023", "1.1.1w"),
            ("OpenSSL 3.0.8 7 Feb 2023", "3.0.8"),
            ("OpenSSL 3.6.0-beta1 16 Sep 2025", "3.6.0-beta1"),
            ("OpenSSL 3.5.4", "3.5.4"),
        ]
    )
    func texts(text: String, bare: String) throws {
        let version = try #require(OpenSSLVersion.parse(text: text))
        #expect(version.description == bare)
        #expect(OpenSSLVersion(text) == version)
    }

    @Test(
        "everything outside the grammar is rejected by every parser",
        arguments: [
            "3.5.4; touch /tmp/x", "$(id)", "3.5.4\n", "03.5.4", "3.5", " 3.5.4", "3.5.4 ", "3.05.4", "3.5.04",
            "\u{0663}.5.4", "3.\u{FF15}.4", "openssl-3.5.4$(touch /tmp/pwned)", "OpenSSL_3_0_0", "1.1.1zzz",
            "3.5.4a", "99999.0.0", "3.99999.0", "3.5.99999", "9223372036854775808.0.0", "3.6.0-dev",
            "3.6.0-rc1", "3.6.0-alpha", "3.6.0-alpha0", "3.6.0-alpha01", "3.6.0-beta1-beta2", "3.6.0beta1",
            "3.6.0-BETA1", "1.1.1-beta1", "1.1.1A", "1.1.1ab", "1.1.1aa", "openssl-1.1.1w", "OpenSSL_1_1_1w ",
            "openssl_3.5.4", "OpenSSL-3.5.4", "v3.5.4", "", "3..4", "3.5.4.1", "3.5.-4", "+3.5.4", "3.5.4\u{0}",
            "OpenSSL 3.5.4 ", "OpenSSL  3.5.4", "OpenSSL 3.5.4 27 Jan 2026 ", "OpenSSL 3.5.4 27 Jan 2026\n",
            "OpenSSL 3.5.4 +7 Jan 2026", "OpenSSL 3.5.4 32 Jan 2026", "OpenSSL 3.5.4 0 Jan 2026",
            "OpenSSL 3.5.4 27 January 2026", "OpenSSL 3.5.4 27 Jan 26", "OpenSSL 3.5.4   27 Jan 2026",
            "OpenSSL 3.5.4 27  Jan 2026", "OpenSSL 3.5.4 27 Jan 2026 extra", "openssl 3.5.4", "OpenSSL 3.5.4-dev",
            "OpenSSL 3.5.4 27 Jan \u{0662}026", String(repeating: "1", count: 70) + ".0.0",
        ]
    )
    func rejects(text: String) {
        #expect(OpenSSLVersion.parse(bare: text) == nil)
        #expect(OpenSSLVersion.parse(tag: text) == nil)
        #expect(OpenSSLVersion.parse(text: text) == nil)
        #expect(OpenSSLVersion(text) == nil)
    }

    @Test(
        "every real release line parses: 0.9.x, 1.0.0 to 1.0.2 and 1.1.0 to 1.1.1 with letters, 3.0 on with pre-releases",
        arguments: [
            "0.9.1c", "0.9.6m", "0.9.7", "0.9.8", "0.9.8zh", "1.0.0", "1.0.0t", "1.0.1u", "1.0.2", "1.0.2zl",
            "1.1.0", "1.1.0l", "1.1.1", "1.1.1w", "1.1.1zb", "3.0.0-alpha1", "3.0.0", "3.0.19", "3.5.4", "3.6.0-beta1",
            "4.0.0-alpha1", "4.0.1", "4.1.1", "5.0.0", "3.10.0",
        ]
    )
    func releaseLines(text: String) throws {
        let version = try #require(OpenSSLVersion.parse(bare: text))
        #expect(OpenSSLVersion.parse(tag: version.tag) == version)
        #expect(OpenSSLVersion.parse(text: "OpenSSL \(text) 3 Dec 2015") == version)
    }

    @Test(
        "versions of lines OpenSSL never had are refused by every parser (0.10.82 is the Rust crate)",
        arguments: [
            "0.10.82", "0.9.118", "0.1.1", "0.0.0", "0.9.0", "0.9.9", "0.8.1", "0.10.0", "1.0.3", "1.0.10", "1.1.2",
            "1.2.0", "1.2.3", "1.3.0", "2.0.0", "2.1.3", "2.9.9", "0.9.8-beta1", "1.0.2-alpha1",
        ]
    )
    func neverReleasedLines(text: String) {
        #expect(OpenSSLVersion.parse(bare: text) == nil)
        #expect(OpenSSLVersion.parse(text: "OpenSSL \(text) 9 Jun 2026") == nil)
        #expect(OpenSSLVersion.parse(tag: "OpenSSL_" + text.replacingOccurrences(of: ".", with: "_")) == nil)
        #expect(OpenSSLVersion.parse(tag: "openssl-" + text) == nil)
        #expect(OpenSSLVersion(text) == nil)
    }

    @Test("a series is only a line OpenSSL released: 0.10.82 (a Rust crate) or 1.2.0 is none")
    func seriesReleaseLines() {
        for never in ["0.10.82", "0.9.9", "1.0.3", "1.1.2", "1.2.0", "2.0.0"] {
            #expect(Series(never) == nil, "\(never)")
        }
        for real in ["0.9.8", "1.0.2", "1.1.0", "1.1.1", "3.0", "3.5", "4.0", "4.1"] {
            #expect(Series(real) != nil, "\(real)")
        }
    }

    @Test("the memberwise initializer refuses lines OpenSSL never had")
    func memberwiseReleaseLines() {
        #expect(OpenSSLVersion(major: 0, minor: 10, patch: 82) == nil)
        #expect(OpenSSLVersion(major: 2, minor: 0, patch: 0) == nil)
        #expect(OpenSSLVersion(major: 1, minor: 1, patch: 2) == nil)
        #expect(OpenSSLVersion(major: 1, minor: 2, patch: 0) == nil)
        #expect(OpenSSLVersion(major: 0, minor: 9, patch: 8, letters: "zh") != nil)
        #expect(OpenSSLVersion(major: 1, minor: 0, patch: 2, letters: "u") != nil)
    }

    @Test(
        "ordering follows OpenSSL's release order",
        arguments: [
            ("3.5.2", "3.10.0"),
            ("3.6.0-alpha1", "3.6.0-beta1"),
            ("3.6.0-beta1", "3.6.0"),
            ("3.6.0-alpha2", "3.6.0-alpha10"),
            ("3.5.4", "3.6.0-alpha1"),
            ("1.1.1y", "1.1.1z"),
            ("1.1.1z", "1.1.1za"),
            ("1.1.1za", "1.1.1zh"),
            ("1.1.1", "1.1.1a"),
            ("1.1.1zh", "3.0.0"),
            ("1.0.2zq", "1.1.1"),
            ("3.0.19", "3.0.20"),
        ]
    )
    func ordering(lower: String, higher: String) throws {
        let low = try #require(OpenSSLVersion(lower))
        let high = try #require(OpenSSLVersion(higher))
        #expect(low < high)
        #expect(!(high < low))
        #expect(low != high)
    }

    @Test("series, final and tag derive from the parts")
    func derivedProperties() throws {
        let beta = try #require(OpenSSLVersion("3.6.0-beta1"))
        #expect(beta.series == Series(major: 3, minor: 6))
        #expect(beta.final == OpenSSLVersion("3.6.0"))
        #expect(beta.tag == "openssl-3.6.0-beta1")
        let letter = try #require(OpenSSLVersion("1.1.1za"))
        #expect(letter.series == Series("1.1.1"))
        #expect(letter.tag == "OpenSSL_1_1_1za")
    }

    @Test("Codable uses the canonical string and refuses anything else")
    func codable() throws {
        let versions = try #require(["3.5.4", "1.1.1w", "3.6.0-beta1"].map { OpenSSLVersion($0) } as? [OpenSSLVersion])
        let data = try JSONEncoder().encode(versions)
        #expect(String(decoding: data, as: UTF8.self) == #"["3.5.4","1.1.1w","3.6.0-beta1"]"#)
        #expect(try JSONDecoder().decode([OpenSSLVersion].self, from: data) == versions)
        #expect(throws: DecodingError.self) {
            try JSONDecoder().decode([OpenSSLVersion].self, from: Data(#"["$(id)"]"#.utf8))
        }
    }

    @Test("the memberwise initializer enforces the same rules as the parser")
    func memberwise() {
        #expect(OpenSSLVersion(major: 3, minor: 5, patch: 4, letters: "a") == nil)
        #expect(OpenSSLVersion(major: 1, minor: 1, patch: 1, prerelease: .init(stage: .beta, number: 1)) == nil)
        #expect(OpenSSLVersion(major: 3, minor: 6, patch: 0, prerelease: .init(stage: .alpha, number: 0)) == nil)
        #expect(OpenSSLVersion(major: -1, minor: 0, patch: 0) == nil)
        #expect(OpenSSLVersion(major: 10_000, minor: 0, patch: 0) == nil)
        #expect(OpenSSLVersion(major: 1, minor: 1, patch: 1, letters: "zzz") == nil)
    }
}
