/// An OpenSSL release version, parsed from one of the strict forms OpenSSL uses.
///
/// Everything that reaches a command, a file or a branch name is an `OpenSSLVersion`
/// first: the grammar admits digits, dots, a short lower-case letter run (1.1.1 era) and
/// an `-alphaN`/`-betaN` suffix, nothing else, so feed data shaped like shell code never
/// survives parsing.
///
/// It also knows OpenSSL's release lines, so a version of something else that merely
/// looks alike (the Rust crate `openssl` 0.10.82, `openssl-sys` 0.9.118) is not taken for
/// one: 0.9.1 to 0.9.8 and 1.0.0 to 1.0.2, 1.1.0 and 1.1.1 with their letter releases
/// (`0.9.8zh`, `1.0.2u`, `1.1.1w`), then from 3.0 on `MAJOR.MINOR.PATCH` with alpha and
/// beta pre-releases. There never was a 0.10, a 1.0.3, a 1.2 or a 2.x.
public struct OpenSSLVersion: Sendable, Hashable, Comparable, Codable, CustomStringConvertible {
    /// A pre-release marker; alphas order before betas, and both before the final release.
    public struct Prerelease: Sendable, Hashable, Comparable {
        /// Ordered as declared.
        public enum Stage: Sendable, Hashable, Comparable {
            case alpha
            case beta
        }

        public let stage: Stage
        public let number: Int

        public init(stage: Stage, number: Int) {
            self.stage = stage
            self.number = number
        }

        public static func < (lhs: Prerelease, rhs: Prerelease) -> Bool {
            (lhs.stage, lhs.number) < (rhs.stage, rhs.number)
        }
    }

    public let major: Int
    public let minor: Int
    public let patch: Int
    /// The letter run of a pre-3.0 release (`"w"` in 1.1.1w, `"za"` in 1.1.1za); empty otherwise.
    public let letters: String
    public let prerelease: Prerelease?

    /// Builds a version from parts, enforcing the same rules as the parser.
    public init?(major: Int, minor: Int, patch: Int, letters: String = "", prerelease: Prerelease? = nil) {
        guard (0...Self.maxNumber).contains(major), (0...Self.maxNumber).contains(minor),
            (0...Self.maxNumber).contains(patch), Self.isReleaseLine(major: major, minor: minor, patch: patch)
        else { return nil }
        if major >= 3 {
            guard letters.isEmpty else { return nil }
        } else {
            guard prerelease == nil, Self.isValidLetterRun(letters) else { return nil }
        }
        if let prerelease, !(1...Self.maxNumber).contains(prerelease.number) { return nil }
        self.major = major
        self.minor = minor
        self.patch = patch
        self.letters = letters
        self.prerelease = prerelease
    }

    /// Parses any accepted form: a bare version (`3.5.4`, `1.1.1w`, `3.6.0-beta1`), a git tag
    /// (`openssl-3.5.4`, `OpenSSL_1_1_1w`) or the version text (`OpenSSL 3.0.19 27 Jan 2026`).
    public init?(_ string: String) {
        if let version = Self.parse(bare: string) ?? Self.parse(tag: string) ?? Self.parse(text: string) {
            self = version
        } else {
            return nil
        }
    }

    /// The canonical bare form, the one used in the store, in branch names and in messages.
    public var description: String {
        var text = "\(major).\(minor).\(patch)\(letters)"
        if let prerelease {
            text += "-\(prerelease.stage == .alpha ? "alpha" : "beta")\(prerelease.number)"
        }
        return text
    }

    /// The git tag OpenSSL uses for this release.
    public var tag: String {
        if major >= 3 { return "openssl-\(description)" }
        return "OpenSSL_\(major)_\(minor)_\(patch)\(letters)"
    }

    /// The support series: `MAJOR.MINOR` from 3.0 on, `MAJOR.MINOR.PATCH` before (1.1.1).
    public var series: Series {
        major >= 3 ? Series(major: major, minor: minor) : Series(major: major, minor: minor, patch: patch)
    }

    public var isPrerelease: Bool { prerelease != nil }

    /// The same release without its pre-release marker.
    public var final: OpenSSLVersion {
        OpenSSLVersion(unchecked: major, minor, patch, letters, nil)
    }

    public static func < (lhs: OpenSSLVersion, rhs: OpenSSLVersion) -> Bool {
        if (lhs.major, lhs.minor, lhs.patch) != (rhs.major, rhs.minor, rhs.patch) {
            return (lhs.major, lhs.minor, lhs.patch) < (rhs.major, rhs.minor, rhs.patch)
        }
        if lhs.letters != rhs.letters {
            if lhs.letters.count != rhs.letters.count { return lhs.letters.count < rhs.letters.count }
            return lhs.letters < rhs.letters
        }
        switch (lhs.prerelease, rhs.prerelease) {
        case (nil, nil), (nil, _?): return false
        case (_?, nil): return true
        case (let left?, let right?): return left < right
        }
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        let text = try container.decode(String.self)
        guard let version = OpenSSLVersion.parse(bare: text) else {
            throw DecodingError.dataCorruptedError(
                in: container, debugDescription: "not an OpenSSL version: \(text.debugDescription)")
        }
        self = version
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(description)
    }

    // MARK: - Parsing

    /// The largest number accepted in any position; keeps arithmetic and storage trivially safe.
    static let maxNumber = 9999
    /// No accepted form is longer than this; longer input is rejected before any scanning.
    package static let maxLength = 64

    /// Parses the bare form only: `3.5.4`, `3.6.0-alpha1`, `1.1.1`, `1.1.1zh`.
    public static func parse(bare string: String) -> OpenSSLVersion? {
        guard string.utf8.count <= maxLength else { return nil }
        var scanner = Scanner(Array(string.utf8))
        guard let major = scanner.number(), scanner.take(UInt8(ascii: ".")),
            let minor = scanner.number(), scanner.take(UInt8(ascii: ".")),
            let patch = scanner.number()
        else { return nil }
        let letters = scanner.lowercaseLetters()
        var prerelease: Prerelease?
        if scanner.take(UInt8(ascii: "-")) {
            let word = scanner.lowercaseLetters()
            let stage: Prerelease.Stage
            switch word {
            case "alpha": stage = .alpha
            case "beta": stage = .beta
            default: return nil
            }
            guard let number = scanner.number() else { return nil }
            prerelease = Prerelease(stage: stage, number: number)
        }
        guard scanner.atEnd else { return nil }
        return OpenSSLVersion(major: major, minor: minor, patch: patch, letters: letters, prerelease: prerelease)
    }

    /// Parses a git tag: `openssl-3.5.4`, `openssl-3.6.0-beta1` (3.0 on) or `OpenSSL_1_1_1w` (before 3.0).
    public static func parse(tag string: String) -> OpenSSLVersion? {
        guard string.utf8.count <= maxLength else { return nil }
        if string.hasPrefix("openssl-") {
            guard let version = parse(bare: String(string.dropFirst("openssl-".count))), version.major >= 3
            else { return nil }
            return version
        }
        if string.hasPrefix("OpenSSL_") {
            var scanner = Scanner(Array(string.utf8.dropFirst("OpenSSL_".count)))
            guard let major = scanner.number(), scanner.take(UInt8(ascii: "_")),
                let minor = scanner.number(), scanner.take(UInt8(ascii: "_")),
                let patch = scanner.number()
            else { return nil }
            let letters = scanner.lowercaseLetters()
            guard scanner.atEnd, major < 3 else { return nil }
            return OpenSSLVersion(major: major, minor: minor, patch: patch, letters: letters)
        }
        return nil
    }

    /// Parses the version text: `OpenSSL 3.5.4`, `OpenSSL 3.0.19 27 Jan 2026`,
    /// `OpenSSL 1.1.1w  11 Sep 2023` (the `OPENSSL_VERSION_TEXT` shape).
    ///
    /// The spacing is exact: one space after `OpenSSL`, one (or the two the 1.1.1 series
    /// used) before the day, one between day, month and year, nothing before or after.
    public static func parse(text string: String) -> OpenSSLVersion? {
        guard string.utf8.count <= maxLength, string.utf8.starts(with: "OpenSSL ".utf8) else { return nil }
        let rest = Array(string.utf8.dropFirst("OpenSSL ".count))
        let space = UInt8(ascii: " ")
        guard let versionEnd = rest.firstIndex(of: space) else {
            return parse(bare: String(decoding: rest, as: UTF8.self))
        }
        guard let version = parse(bare: String(decoding: rest[..<versionEnd], as: UTF8.self)) else { return nil }
        var dateStart = versionEnd + 1
        if dateStart < rest.count, rest[dateStart] == space { dateStart += 1 }
        let words = rest[dateStart...].split(separator: space, omittingEmptySubsequences: false)
        guard words.count == 3, isReleaseDate(day: words[0], month: words[1], year: words[2]) else { return nil }
        return version
    }

    static let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]

    private static func isReleaseDate(day: ArraySlice<UInt8>, month: ArraySlice<UInt8>, year: ArraySlice<UInt8>)
        -> Bool
    {
        let isDigit = { (byte: UInt8) in byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9") }
        guard (1...2).contains(day.count), day.allSatisfy(isDigit),
            let dayNumber = Int(String(decoding: day, as: UTF8.self)), (1...31).contains(dayNumber),
            months.contains(String(decoding: month, as: UTF8.self)),
            year.count == 4, year.allSatisfy(isDigit)
        else { return false }
        return true
    }

    /// Whether OpenSSL ever had a line `major.minor.patch`: 0.9.1-0.9.8, 1.0.0-1.0.2,
    /// 1.1.0-1.1.1, or anything from 3.0 on (2.x was skipped).
    static func isReleaseLine(major: Int, minor: Int, patch: Int) -> Bool {
        switch major {
        case 0: minor == 9 && (1...8).contains(patch)
        case 1: (minor == 0 && patch <= 2) || (minor == 1 && patch <= 1)
        case 2: false
        default: true
        }
    }

    /// `""`, one letter `a`...`z`, or two letters starting with `z` (`za`...`zz`): the letter runs OpenSSL used.
    private static func isValidLetterRun(_ letters: String) -> Bool {
        let bytes = Array(letters.utf8)
        let isLower = { (byte: UInt8) in byte >= UInt8(ascii: "a") && byte <= UInt8(ascii: "z") }
        switch bytes.count {
        case 0: return true
        case 1: return isLower(bytes[0])
        case 2: return bytes[0] == UInt8(ascii: "z") && isLower(bytes[1])
        default: return false
        }
    }

    private init(unchecked major: Int, _ minor: Int, _ patch: Int, _ letters: String, _ prerelease: Prerelease?) {
        self.major = major
        self.minor = minor
        self.patch = patch
        self.letters = letters
        self.prerelease = prerelease
    }

    /// A tiny byte scanner: ASCII digits without leading zeros, lower-case letters, single bytes.
    private struct Scanner {
        let bytes: [UInt8]
        var index = 0

        init(_ bytes: [UInt8]) { self.bytes = bytes }

        var atEnd: Bool { index == bytes.count }

        mutating func take(_ byte: UInt8) -> Bool {
            guard index < bytes.count, bytes[index] == byte else { return false }
            index += 1
            return true
        }

        mutating func number() -> Int? {
            let start = index
            var value = 0
            while index < bytes.count, bytes[index] >= UInt8(ascii: "0"), bytes[index] <= UInt8(ascii: "9") {
                value = value * 10 + Int(bytes[index] - UInt8(ascii: "0"))
                index += 1
                if index - start > 4 { return nil }
            }
            let length = index - start
            guard length > 0 else { return nil }
            if length > 1 && bytes[start] == UInt8(ascii: "0") { return nil }
            return value
        }

        mutating func lowercaseLetters() -> String {
            let start = index
            while index < bytes.count, bytes[index] >= UInt8(ascii: "a"), bytes[index] <= UInt8(ascii: "z") {
                index += 1
            }
            return String(decoding: bytes[start..<index], as: UTF8.self)
        }
    }
}
