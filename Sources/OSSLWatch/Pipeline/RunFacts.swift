public import OSSLWatchCore

/// What a run knows about itself, handed to every step: commands see it as `OSSLWATCH_*`
/// environment variables, templates fill paths from it.
///
/// Every field that came from outside (versions, digest, advisories, next release) is held
/// in a checked form, so a value shaped like shell code cannot be stored here in the first
/// place; the initialiser and the decoder both refuse it.
public struct RunFacts: Sendable, Hashable, Codable {
    public var runID: Int64
    public var project: String
    /// The OpenSSL version the project linked when the run started.
    public var previous: OpenSSLVersion
    /// The OpenSSL version the run moves the project to.
    public var target: OpenSSLVersion
    /// The tarball's verified SHA-256 (64 lower-case hex); `nil` until verify-tarball ran.
    public private(set) var sha256: String?
    /// The downstream release this run produces, e.g. `46.0.2`.
    public private(set) var nextRelease: String
    /// CVE ids of the advisories that name the target.
    public private(set) var advisories: [String]
    /// Whether the target fixes vulnerabilities (selects `when: security` steps).
    public var isSecurity: Bool

    public init(
        runID: Int64, project: String, previous: OpenSSLVersion, target: OpenSSLVersion, sha256: String? = nil,
        nextRelease: String, advisories: [String] = [], isSecurity: Bool = false
    ) throws(StepError) {
        guard RunFacts.isPlainName(project) else {
            throw StepError(.invalidInput, "project name \(project.debugDescription) must be letters, digits, . _ -")
        }
        self.runID = runID
        self.project = project
        self.previous = previous
        self.target = target
        self.nextRelease = try NextRelease.validate(nextRelease)
        self.advisories = []
        self.isSecurity = isSecurity
        self.sha256 = nil
        try setAdvisories(advisories)
        if let sha256 { try setSHA256(sha256) }
    }

    private enum CodingKeys: String, CodingKey {
        case runID, project, previous, target, sha256, nextRelease, advisories, isSecurity
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        try self.init(
            runID: container.decode(Int64.self, forKey: .runID),
            project: container.decode(String.self, forKey: .project),
            previous: container.decode(OpenSSLVersion.self, forKey: .previous),
            target: container.decode(OpenSSLVersion.self, forKey: .target),
            sha256: container.decodeIfPresent(String.self, forKey: .sha256),
            nextRelease: container.decode(String.self, forKey: .nextRelease),
            advisories: container.decode([String].self, forKey: .advisories),
            isSecurity: container.decode(Bool.self, forKey: .isSecurity)
        )
    }

    /// Records the digest verify-tarball proved; refuses anything but 64 hex digits.
    public mutating func setSHA256(_ digest: String) throws(StepError) {
        guard RunFacts.isSHA256(digest) else {
            throw StepError(.invalidInput, "SHA-256 \(digest.debugDescription) is not 64 hex digits")
        }
        sha256 = digest.lowercased()
    }

    /// Replaces the advisories; each must be a CVE id (`CVE-2025-9230`).
    public mutating func setAdvisories(_ ids: [String]) throws(StepError) {
        for id in ids where !RunFacts.isCVEID(id) {
            throw StepError(.invalidInput, "advisory id \(id.debugDescription) is not a CVE id like CVE-2025-9230")
        }
        advisories = ids
    }

    /// The run's facts as the environment of a command step; the names are the stable
    /// interface a project's scripts code against.
    public var environment: [String: String] {
        [
            "OSSLWATCH_RUN_ID": String(runID),
            "OSSLWATCH_PROJECT": project,
            "OSSLWATCH_PREVIOUS": previous.description,
            "OSSLWATCH_VERSION": target.description,
            "OSSLWATCH_TAG": target.tag,
            "OSSLWATCH_SHA256": sha256 ?? "",
            "OSSLWATCH_NEXT_RELEASE": nextRelease,
            "OSSLWATCH_SECURITY": isSecurity ? "1" : "0",
            "OSSLWATCH_ADVISORIES": advisories.joined(separator: " "),
        ]
    }

    static func isPlainName(_ text: String) -> Bool {
        !text.isEmpty && text.utf8.count <= 100 && text.utf8.first != UInt8(ascii: ".")
            && text.utf8.allSatisfy { isAlphanumeric($0) || "._-".utf8.contains($0) }
    }

    static func isCVEID(_ text: String) -> Bool {
        let parts = text.split(separator: "-", omittingEmptySubsequences: false)
        guard parts.count == 3, parts[0] == "CVE", parts[1].utf8.count == 4, (4...7).contains(parts[2].utf8.count)
        else { return false }
        return parts[1].utf8.allSatisfy(isDigit) && parts[2].utf8.allSatisfy(isDigit)
    }

    static func isDigit(_ byte: UInt8) -> Bool { (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) }

    /// Whether `text` is a SHA-256 digest as written in pin files and facts: 64 hex digits.
    static func isSHA256(_ text: some StringProtocol) -> Bool {
        text.utf8.count == 64 && text.utf8.allSatisfy(isHexDigit)
    }

    static func isHexDigit(_ byte: UInt8) -> Bool {
        isDigit(byte) || (UInt8(ascii: "a")...UInt8(ascii: "f")).contains(byte)
            || (UInt8(ascii: "A")...UInt8(ascii: "F")).contains(byte)
    }

    private static func isAlphanumeric(_ byte: UInt8) -> Bool {
        isDigit(byte) || (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte)
            || (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(byte)
    }
}
