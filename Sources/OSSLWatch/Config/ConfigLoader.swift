import Foundation
public import OSSLWatchCore
import Yams

/// Reads and validates `osslwatch.yaml`.
///
/// Everything wrong with a file is reported as one `ConfigError` line naming the file and
/// the key path, and the process exits 78; nothing is created or fetched while loading, so
/// `osslwatch config check` can use the same code on a production file.
public enum ConfigLoader {
    /// What to verify beyond the file's own content.
    public struct Options: Sendable, Hashable {
        /// Whether files the config names (linked pin files, binaries, wheels, `ca_file`,
        /// templates) must exist and be readable now. True for the daemon, `check` and
        /// `config check`; the commands that only read or change the state store turn it off,
        /// as does a test that loads the shipped example for a machine it does not run on.
        public var checkFiles: Bool

        public init(checkFiles: Bool = true) {
            self.checkFiles = checkFiles
        }
    }

    /// Where the daemon and the CLI look without `--config`.
    public static let defaultPath = Configuration.defaultPath
    /// Config files are small; anything larger is a mistake, not a config.
    static let maxFileBytes = 1 << 20

    /// `path` made absolute against the process's working directory, the one place the loader
    /// reads it: a relative `--config` names a file from where the command was started.
    private static func absolute(_ path: String) -> String {
        Configuration.absolute(path, relativeTo: FileManager.default.currentDirectoryPath)
    }

    /// Loads and validates the file at `path`; relative paths inside resolve against its directory.
    public static func load(
        path: String, environment: [String: String], options: Options = Options()
    ) throws(ConfigError) -> Configuration {
        let absolutePath = absolute(path)
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: absolutePath, isDirectory: &isDirectory) else {
            throw ConfigError(.unreadable, file: path, keyPath: "", "no such file")
        }
        guard !isDirectory.boolValue, let data = FileManager.default.contents(atPath: absolutePath) else {
            throw ConfigError(.unreadable, file: path, keyPath: "", "cannot read the file")
        }
        guard data.count <= maxFileBytes else {
            throw ConfigError(.unreadable, file: path, keyPath: "", "larger than 1 MiB; not a config file")
        }
        guard let text = String(data: data, encoding: .utf8) else {
            throw ConfigError(.syntax, file: path, keyPath: "", "not UTF-8 text")
        }
        return try load(yaml: text, file: path, environment: environment, options: options)
    }

    /// Validates `yaml` as if read from `file` (used for messages and to resolve relative paths).
    public static func load(
        yaml: String, file: String, environment: [String: String], options: Options = Options()
    ) throws(ConfigError) -> Configuration {
        let root: Node?
        do {
            root = try Yams.compose(yaml: yaml)
        } catch let error as YamlError {
            throw ConfigError(.syntax, file: file, keyPath: "", syntaxMessage(error))
        } catch {
            throw ConfigError(.syntax, file: file, keyPath: "", "not valid YAML: \(error)")
        }
        guard let root else {
            throw ConfigError(
                .missingKey, file: file, keyPath: "", "the file is empty; feeds and projects are required")
        }
        var configuration = Configuration(feeds: [], projects: [], file: file)
        let directory = (absolute(file) as NSString).deletingLastPathComponent
        let parser = ConfigParser(file: file, directory: directory, environment: environment, options: options)
        try parser.parse(ConfigNode(node: root, path: "", file: file), into: &configuration)
        return configuration
    }

    /// What Yams names a duplicated key that is not a scalar.
    static let yamsUnconvertibleKey = "<uncovertable>"

    /// `line:column: problem` from a Yams error, on one line.
    static func syntaxMessage(_ error: YamlError) -> String {
        switch error {
        case .scanner(_, let problem, let mark, _), .parser(_, let problem, let mark, _),
            .composer(_, let problem, let mark, _):
            return "YAML syntax error at line \(mark.line):\(mark.column): \(problem)"
        case .duplicatedKeysInMapping(let duplicates, _):
            // Yams orders the duplicates, and takes the position from the first, by comparing key
            // nodes; complex (`? `) keys, and equal keys with different tags, compare unstably. So
            // the names are sorted, a complex key is named as such, and no position is given.
            let complex = duplicates.contains(Self.yamsUnconvertibleKey)
            // A key with a tab or a line break is shown escaped, as in every other config error.
            let names = Set(duplicates.filter { $0 != Self.yamsUnconvertibleKey }).sorted().map { name in
                let printable = ConfigNode.printableKey(name)
                return printable == name ? "\"\(name)\"" : printable
            }
            let list = (names + (complex ? ["a complex (\"? \") key"] : [])).joined(separator: ", ")
            return "YAML syntax error: duplicate key \(list)"
        case .reader(let problem, let offset, _, _):
            return "not readable as YAML\(offset.map { " at byte \($0)" } ?? ""): \(problem)"
        default:
            return "YAML error: \(error)".split(whereSeparator: \.isNewline).joined(separator: " ")
        }
    }
}
