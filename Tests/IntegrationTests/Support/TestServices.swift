import Foundation

/// The ports and paths of the services `scripts/test-services start` runs (nginx with a
/// test CA, a stalled TCP server, a dead port), read from `var/test-services/services.env`.
///
/// Use: `let services = try TestServices.load()` at the start of a test, then
/// `services.httpsURL("/feed.xml")` with `caFile: services.caFile`. When the file is
/// missing, `load()` throws an error telling to run `scripts/test-services start` (which
/// `make test` does), so integration tests fail loudly instead of skipping.
struct TestServices: Sendable {
    struct Missing: Error, CustomStringConvertible {
        let description: String
    }

    /// Every `KEY=VALUE` line of services.env.
    let values: [String: String]

    /// `NGINX_HTTPS_PORT`: nginx over TLS with a certificate from `caFile`.
    var httpsPort: Int { port("NGINX_HTTPS_PORT") }
    /// `NGINX_OTHER_CA_PORT`: nginx over TLS with a certificate from an unrelated CA.
    var otherCAPort: Int { port("NGINX_OTHER_CA_PORT") }
    /// `NGINX_HTTP_PORT`: nginx over plain http.
    var httpPort: Int { port("NGINX_HTTP_PORT") }
    /// `STALL_PORT`: accepts connections and never answers.
    var stallPort: Int { port("STALL_PORT") }
    /// `DEAD_PORT`: nothing listens here.
    var deadPort: Int { port("DEAD_PORT") }
    /// `CA_FILE`: the PEM of the test CA that signed nginx's certificate.
    var caFile: String { values["CA_FILE"] ?? "" }
    /// `DOCROOT`: the directory nginx serves; tests may write files here.
    var docroot: String { values["DOCROOT"] ?? "" }
    /// `ACCESS_LOG`: nginx's access log.
    var accessLog: String { values["ACCESS_LOG"] ?? "" }

    /// `https://localhost:<httpsPort><path>`.
    func httpsURL(_ path: String) -> String { "https://localhost:\(httpsPort)\(path)" }
    /// `http://127.0.0.1:<httpPort><path>`.
    func httpURL(_ path: String) -> String { "http://127.0.0.1:\(httpPort)\(path)" }

    private func port(_ key: String) -> Int { values[key].flatMap { Int($0) } ?? 0 }

    /// The repository root, found from this source file's location.
    static var repositoryRoot: URL {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().deletingLastPathComponent()
    }

    static func load() throws -> TestServices {
        let file = repositoryRoot.appendingPathComponent("var/test-services/services.env")
        guard let text = try? String(contentsOf: file, encoding: .utf8) else {
            throw Missing(
                description: "\(file.path) is missing: run scripts/test-services start (make test does)"
            )
        }
        var values: [String: String] = [:]
        for line in text.split(separator: "\n") {
            guard let equals = line.firstIndex(of: "=") else { continue }
            values[String(line[..<equals])] = String(line[line.index(after: equals)...])
        }
        return TestServices(values: values)
    }
}
