/// A support series: `3.5`, `4.0`, or `1.1.1` for the pre-3.0 letter releases.
///
/// Patch releases of one series are what a downstream must follow; a newer series is a
/// notice, never a release trigger.
public struct Series: Sendable, Hashable, Comparable, Codable, CustomStringConvertible {
    public let major: Int
    public let minor: Int
    /// Present only for pre-3.0 series, where the third number was part of the series name.
    public let patch: Int?

    public init(major: Int, minor: Int, patch: Int? = nil) {
        self.major = major
        self.minor = minor
        self.patch = patch
    }

    /// Parses `3.5` (3.0 and later) or `1.1.1` (before 3.0); like `OpenSSLVersion`, only a
    /// line OpenSSL released (so never `0.10.82`, a Rust crate's version).
    public init?(_ string: String) {
        guard string.utf8.count <= 16 else { return nil }
        let parts = string.split(separator: ".", omittingEmptySubsequences: false)
        let numbers = parts.map { part -> Int? in
            guard !part.isEmpty, part.count <= 4, part.allSatisfy({ $0.isASCII && $0.isNumber }),
                part == "0" || !part.hasPrefix("0")
            else { return nil }
            return Int(part)
        }
        guard numbers.allSatisfy({ $0 != nil }) else { return nil }
        let values = numbers.compactMap { $0 }
        switch values.count {
        case 2 where values[0] >= 3: self.init(major: values[0], minor: values[1])
        case 3
        where values[0] < 3
            && OpenSSLVersion.isReleaseLine(major: values[0], minor: values[1], patch: values[2]):
            self.init(major: values[0], minor: values[1], patch: values[2])
        default: return nil
        }
    }

    public var description: String {
        if let patch { return "\(major).\(minor).\(patch)" }
        return "\(major).\(minor)"
    }

    public static func < (lhs: Series, rhs: Series) -> Bool {
        (lhs.major, lhs.minor, lhs.patch ?? -1) < (rhs.major, rhs.minor, rhs.patch ?? -1)
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        let text = try container.decode(String.self)
        guard let series = Series(text) else {
            throw DecodingError.dataCorruptedError(
                in: container, debugDescription: "not an OpenSSL series: \(text.debugDescription)")
        }
        self = series
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(description)
    }
}

/// Lets `[Series: OpenSSLVersion]` encode as a JSON object keyed `"3.5"` rather than a flat array.
extension Series: CodingKeyRepresentable {
    public var codingKey: any CodingKey { SeriesKey(stringValue: description) }

    public init?<Key: CodingKey>(codingKey: Key) {
        self.init(codingKey.stringValue)
    }
}

/// A JSON object's key as the text it is: a series name, or any other key beside them.
struct SeriesKey: CodingKey {
    var stringValue: String
    var intValue: Int? { nil }

    init(stringValue: String) { self.stringValue = stringValue }

    init?(intValue: Int) { nil }
}
