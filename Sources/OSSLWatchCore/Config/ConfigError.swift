import Foundation

/// A configuration file that cannot be used; the daemon and the CLI refuse to start with it.
///
/// The description is the one line an operator needs: the file, the key path inside it and
/// what is wrong, e.g. `/etc/osslwatch/osslwatch.yaml: projects[0].linked.pin_file.pattern:
/// regex has no named group "version"`.
public struct ConfigError: Error, Sendable, Hashable, CustomStringConvertible {
    public enum Code: String, Sendable, Hashable {
        /// The file could not be read.
        case unreadable
        /// The text is not YAML.
        case syntax
        /// A key that the schema does not know (usually a typo).
        case unknownKey
        /// A required key is absent.
        case missingKey
        /// A value of the wrong YAML type (a list where a mapping belongs, text where a number belongs).
        case wrongType
        /// A value of the right type that the schema does not accept (out of range, not a known kind).
        case invalidValue
        /// A URL that osslwatch would refuse to fetch.
        case invalidURL
        /// A regular expression that does not compile or lacks its named groups.
        case invalidRegex
        /// Two feeds or two projects with one name.
        case duplicateName
        /// A file the config names does not exist or cannot be read.
        case missingFile
    }

    /// The exit status for every configuration error: `EX_CONFIG` from sysexits.
    public static let exitStatus: Int32 = 78

    public let code: Code
    /// The configuration file, as given.
    public let file: String
    /// Where in the file: `projects[0].linked.pin_file.pattern`; empty for the whole file.
    public let keyPath: String
    /// What is wrong and, where it helps, what to write instead.
    public let message: String

    public init(_ code: Code, file: String, keyPath: String, _ message: String) {
        self.code = code
        self.file = file
        self.keyPath = keyPath
        self.message = message
    }

    /// Always 78 (`EX_CONFIG`); a property so callers need not know the constant.
    public var exitStatus: Int32 { Self.exitStatus }

    public var description: String {
        let text = message.replacingOccurrences(of: "\n", with: " ")
        if keyPath.isEmpty { return "\(file): \(text)" }
        return "\(file): \(keyPath): \(text)"
    }
}
