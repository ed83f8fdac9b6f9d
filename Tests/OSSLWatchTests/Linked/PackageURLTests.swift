import Testing

@testable import OSSLWatch

@Suite struct PackageURLTests {
    @Test(
        "purls of upstream OpenSSL",
        arguments: [
            (
                "pkg:generic/openssl@4.1.1?download_url=https://github.com/openssl/openssl/releases/download/openssl-4.1.1/openssl-4.1.1.tar.gz",
                "4.1.1"
            ),
            ("pkg:generic/openssl@3.5.4", "3.5.4"),
            ("pkg:generic/openssl/openssl@3.5.4#src", "3.5.4"),
            ("pkg:github/openssl/openssl@openssl-3.5.4", "openssl-3.5.4"),
            ("pkg:GitHub/OpenSSL/OpenSSL@openssl-3.5.4", "openssl-3.5.4"),
            ("pkg:generic/openssl%403@3.0.0", nil),
        ] as [(String, String?)]
    )
    func upstream(text: String, version: String?) throws {
        let purl = try #require(PackageURL(text))
        if let version {
            #expect(purl.isUpstreamOpenSSL)
            #expect(purl.version == version)
        } else {
            #expect(!purl.isUpstreamOpenSSL, "\(purl)")
        }
    }

    @Test(
        "packages named openssl in other ecosystems, and other generic names, are not OpenSSL",
        arguments: [
            "pkg:cargo/openssl@0.10.82", "pkg:cargo/openssl-sys@0.9.118", "pkg:apk/alpine/openssl@3.5.4-r0",
            "pkg:apk/alpine/libssl3@3.5.4-r0", "pkg:pypi/openssl@1.0", "pkg:pypi/pyopenssl@25.3.0",
            "pkg:deb/debian/openssl@3.0.17-1~deb12u2", "pkg:rpm/fedora/openssl@3.2.4", "pkg:conan/openssl@3.5.4",
            "pkg:npm/openssl@2.0.0", "pkg:generic/libressl@4.0.0", "pkg:generic/openssl-sys@0.9.118",
            "pkg:generic/vendor/openssl@3.5.4", "pkg:github/sfackler/rust-openssl@openssl-v0.10.82",
            "pkg:github/openssl/openssl-fips@3.0.9",
        ]
    )
    func notOpenSSL(text: String) throws {
        let purl = try #require(PackageURL(text))
        #expect(!purl.isUpstreamOpenSSL)
    }

    @Test("the parts are split as the purl specification says")
    func parts() throws {
        let purl = try #require(PackageURL("pkg:apk/alpine/libgcc@14.2.0-r6?arch=x86_64#933a"))
        #expect(purl.type == "apk" && purl.namespace == ["alpine"] && purl.name == "libgcc")
        #expect(purl.version == "14.2.0-r6")
        let encoded = try #require(PackageURL("pkg:generic/openssl@4.1.1%2Bfips"))
        #expect(encoded.version == "4.1.1+fips")
        let bare = try #require(PackageURL("pkg:generic/openssl"))
        #expect(bare.version == nil && bare.isUpstreamOpenSSL)
    }

    @Test(
        "text that is not a purl is refused",
        arguments: [
            "openssl", "pkg:", "pkg:generic", "pkg:/openssl", "http://x/openssl", "pkg:generic/@1.0",
            "pkg:gen eric/openssl", "",
        ])
    func refused(text: String) {
        #expect(PackageURL(text) == nil)
    }
}
