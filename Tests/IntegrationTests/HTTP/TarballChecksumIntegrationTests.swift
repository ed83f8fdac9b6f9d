import Foundation
import OSSLWatch
import OSSLWatchCore
import OSSLWatchTestSupport
import OSSLWatchTransport
import Testing

/// `TarballChecksum` against tarballs and `.sha256` files served by the test nginx.
@Suite struct TarballChecksumIntegrationTests {
    let services: TestServices
    let client: HTTPClient

    init() throws {
        services = try TestServices.load()
        client = HTTPClient(settings: HTTPSettings(connectTimeout: 2, caFile: services.caFile))
    }

    func version(_ text: String) throws -> OpenSSLVersion {
        try #require(OpenSSLVersion(text))
    }

    @Test("a tarball whose SHA-256 equals the published coreutils -r line is matched")
    func matched() async throws {
        let tarball = services.docroot + "/openssl-3.5.4.tar.gz"
        let expected = try SHA256Stream.hex(of: Data(contentsOf: URL(fileURLWithPath: tarball)))
        let result = await TarballChecksum.confirm(
            version: try version("3.5.4"),
            tarballURL: services.httpsURL("/openssl-3.5.4.tar.gz"),
            client: client,
            maxBytes: 1 << 20
        )
        #expect(result == .matched(sha256: expected))
    }

    @Test("a tarball whose SHA-256 differs from the published one is mismatched")
    func mismatched() async throws {
        let result = await TarballChecksum.confirm(
            version: try version("3.5.3"),
            tarballURL: services.httpsURL("/openssl-3.5.3.tar.gz"),
            client: client,
            maxBytes: 1 << 20
        )
        guard case .mismatched(let reason) = result else {
            Issue.record("expected mismatched, got \(result)")
            return
        }
        #expect(reason.contains("3.5.3"))
    }

    @Test("a published .sha256 in BSD tag form is unusable, so the release is mismatched")
    func unusableChecksumFile() async throws {
        let result = await TarballChecksum.confirm(
            version: try version("3.5.2"),
            tarballURL: services.httpsURL("/openssl-3.5.2.tar.gz"),
            client: client,
            maxBytes: 1 << 20
        )
        guard case .mismatched = result else {
            Issue.record("expected mismatched, got \(result)")
            return
        }
    }

    @Test("a missing .sha256 leaves the release unchecked, and verify says why")
    func missingChecksumFile() async throws {
        let url = services.httpsURL("/openssl-9.9.9.tar.gz")
        let result = await TarballChecksum.confirm(
            version: try version("9.9.9"), tarballURL: url, client: client, maxBytes: 1 << 20)
        #expect(result == .unchecked)
        do {
            _ = try await TarballChecksum.verify(
                version: try version("9.9.9"), tarballURL: url, client: client, maxBytes: 1 << 20)
            Issue.record("verify should throw for a missing .sha256")
        } catch let error as HTTPError {
            #expect(error.status == 404)
        }
    }

    @Test("a tarball larger than maxBytes leaves the release unchecked")
    func tarballOverCap() async throws {
        let result = await TarballChecksum.confirm(
            version: try version("3.5.4"),
            tarballURL: services.httpsURL("/openssl-3.5.4.tar.gz"),
            client: client,
            maxBytes: 1024
        )
        #expect(result == .unchecked)
    }
}
