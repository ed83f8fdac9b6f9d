import Foundation
import OSSLWatchCore
import Yams

/// A YAML node together with where it sits (file and key path), so every check can say
/// exactly which key is wrong.
///
/// The loader walks the composed tree itself rather than decoding `Codable` structs, because
/// decoding silently ignores unknown keys and reports positions in coding-key terms.
struct ConfigNode {
    /// A mapping whose keys were checked against the schema.
    struct Mapping {
        let owner: ConfigNode
        let values: [String: Node]

        /// The value of an optional key; `nil` when absent.
        subscript(key: String) -> ConfigNode? {
            guard let node = values[key] else { return nil }
            return ConfigNode(node: node, path: owner.childPath(key), file: owner.file)
        }

        func required(_ key: String) throws(ConfigError) -> ConfigNode {
            guard let node = self[key] else {
                throw ConfigError(
                    .missingKey, file: owner.file, keyPath: owner.childPath(key), "required key is missing")
            }
            return node
        }

        /// `connect_timeout` and `timeout`: a request may not have less time than its connect.
        func timeouts(connect: inout Double, total: inout Double) throws(ConfigError) {
            if let value = self["connect_timeout"] { connect = try value.duration(in: 1...300) }
            guard let value = self["timeout"] else { return }
            total = try value.duration(in: 1...3600)
            guard total >= connect else { throw value.error(.invalidValue, "must be at least connect_timeout") }
        }
    }

    let node: Node
    /// The key path: `http.max_redirects`, `feeds[2].url`; empty for the document root.
    let path: String
    let file: String

    func error(_ code: ConfigError.Code, _ message: String) -> ConfigError {
        ConfigError(code, file: file, keyPath: path, message)
    }

    /// The resolved YAML tag (`int`, `bool`, `str`, ...) of the node.
    var tagName: Tag.Name { Tag.Name(rawValue: node.tag.description) }

    func childPath(_ key: String) -> String {
        let shown = Self.printableKey(key)
        return path.isEmpty ? shown : "\(path).\(shown)"
    }

    /// The key as written, unless it holds a control character (a tab, a line break, a quoted
    /// YAML key can hold any) that would break the one-line error: then quoted, with each such
    /// character written as `\u{…}`.
    static func printableKey(_ key: String) -> String {
        let breaks = { (scalar: Unicode.Scalar) in
            scalar.properties.generalCategory == .control || scalar == "\u{2028}" || scalar == "\u{2029}"
        }
        guard key.unicodeScalars.contains(where: breaks) else { return key }
        var shown = "\""
        for scalar in key.unicodeScalars {
            shown += breaks(scalar) ? "\\u{\(String(scalar.value, radix: 16))}" : String(scalar)
        }
        return shown + "\""
    }

    /// What the node is, for "expected X, found Y" messages.
    var kindName: String {
        switch node {
        case .mapping: return "a mapping"
        case .sequence: return "a list"
        case .alias: return "an alias"
        case .scalar:
            switch tagName {
            case .null: return "nothing"
            case .bool: return "a boolean"
            case .int: return "an integer"
            case .float: return "a number"
            default: return "text"
            }
        }
    }

    func wrongType(_ expected: String) -> ConfigError {
        error(.wrongType, "expected \(expected), found \(kindName)")
    }

    /// Checks that the node is a mapping whose keys all belong to `keys`; an unknown key is
    /// reported with the closest known key when one is close enough to be a typo.
    func mapping(keys: [String]) throws(ConfigError) -> Mapping {
        var values: [String: Node] = [:]
        try forEachEntry(expected: "a mapping") { key, value throws(ConfigError) in
            guard keys.contains(key) else {
                throw value.error(
                    .unknownKey, "unknown key" + Self.hint(for: key, among: keys, listedAs: "known keys here"))
            }
            values[key] = value.node
        }
        return Mapping(owner: self, values: values)
    }

    /// Calls `body` with each key of a mapping with text keys and its value at the key's path.
    /// - Parameter expected: what the message names when the node is no mapping.
    func forEachEntry(expected: String, _ body: (String, ConfigNode) throws(ConfigError) -> Void) throws(ConfigError) {
        guard case .mapping(let mapping) = node else { throw wrongType(expected) }
        for (keyNode, value) in mapping {
            guard case .scalar(let scalar) = keyNode else { throw wrongType("a mapping with text keys") }
            try body(scalar.string, ConfigNode(node: value, path: childPath(scalar.string), file: file))
        }
    }

    /// `; did you mean "x"?` naming the closest of `names`, or else all of them after `listedAs`.
    static func hint(for text: String, among names: [String], listedAs: String) -> String {
        if let suggestion = closest(to: text, among: names) { return "; did you mean \"\(suggestion)\"?" }
        return "; \(listedAs): \(names.joined(separator: ", "))"
    }

    /// The items of a list, each with its `[index]` path.
    func sequence() throws(ConfigError) -> [ConfigNode] {
        guard case .sequence(let sequence) = node else { throw wrongType("a list") }
        return sequence.enumerated().map { index, item in
            ConfigNode(node: item, path: "\(path)[\(index)]", file: file)
        }
    }

    /// Any scalar but null, as written.
    func string() throws(ConfigError) -> String {
        guard case .scalar(let scalar) = node, tagName != .null else { throw wrongType("text") }
        return scalar.string
    }

    /// One of `T`'s raw values; an unknown one is refused naming the closest (or every) known value.
    /// - Parameters:
    ///   - what: the value's name in the message ("feed kind").
    ///   - suggest: whether a close value is named instead of them all.
    func choice<T: RawRepresentable & CaseIterable>(_ type: T.Type, what: String, suggest: Bool = true)
        throws(ConfigError) -> T
    where T.RawValue == String {
        let text = try string()
        if let value = T(rawValue: text) { return value }
        let names = T.allCases.map(\.rawValue)
        guard suggest else {
            throw error(
                .invalidValue, "unknown \(what) \(text.debugDescription); one of: \(names.joined(separator: ", "))")
        }
        throw error(
            .invalidValue,
            "unknown \(what) \(text.debugDescription)" + Self.hint(for: text, among: names, listedAs: "one of"))
    }

    /// A scalar that is not only blanks.
    func nonEmptyString() throws(ConfigError) -> String {
        let text = try string()
        guard !text.trimmingCharacters(in: .whitespaces).isEmpty else {
            throw error(.invalidValue, "must not be empty")
        }
        return text
    }

    func bool() throws(ConfigError) -> Bool {
        guard case .scalar = node, tagName == .bool, let value = node.bool else {
            throw wrongType("true or false")
        }
        return value
    }

    func int(in range: ClosedRange<Int>) throws(ConfigError) -> Int {
        guard case .scalar = node, tagName == .int, let value = node.int else {
            throw wrongType("an integer")
        }
        guard range.contains(value) else {
            throw error(.invalidValue, "\(value) is out of range \(range.lowerBound)...\(range.upperBound)")
        }
        return value
    }

    /// A plain number (integer or decimal) within `range`, such as a fraction.
    func fraction(in range: ClosedRange<Double>) throws(ConfigError) -> Double {
        guard case .scalar(let scalar) = node, tagName == .int || tagName == .float, let value = Double(scalar.string)
        else {
            throw wrongType("a number")
        }
        guard range.contains(value) else {
            throw error(.invalidValue, "\(scalar.string) is out of range \(range.lowerBound)...\(range.upperBound)")
        }
        return value
    }

    /// Seconds, written as a number (`300`, `0.5`) or a number with a unit (`90s`, `5m`, `1h`, `2d`).
    func duration(in range: ClosedRange<Double>) throws(ConfigError) -> Double {
        guard case .scalar(let scalar) = node, tagName != .null else {
            throw wrongType("a duration (seconds, or a number with s, m, h or d)")
        }
        guard let seconds = Self.seconds(from: scalar.string) else {
            throw error(
                .invalidValue,
                "\(scalar.string.debugDescription) is not a duration; write seconds (300) or 90s, 5m, 1h, 2d")
        }
        guard range.contains(seconds) else {
            throw error(
                .invalidValue,
                "\(scalar.string) is out of range \(Self.format(range.lowerBound))...\(Self.format(range.upperBound))")
        }
        return seconds
    }

    static let units: [Character: Double] = ["s": 1, "m": 60, "h": 3600, "d": 86_400]

    /// Parses `300`, `0.5`, `90s`, `5m`, `1h`, `2d`; `nil` for anything else.
    package static func seconds(from text: String) -> Double? {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        var number = Substring(trimmed)
        var factor = 1.0
        if let last = trimmed.last, let unit = Self.units[last] {
            factor = unit
            number = number.dropLast()
        }
        guard !number.isEmpty, number.count <= 12,
            number.allSatisfy({ $0.isASCII && ($0.isNumber || $0 == ".") }),
            number.filter({ $0 == "." }).count <= 1, number.first != ".", number.last != ".",
            let value = Double(number), value.isFinite
        else { return nil }
        return value * factor
    }

    /// `30s`, `5m`, `7d`: the shortest exact unit, for range messages.
    static func format(_ seconds: Double) -> String {
        for (unit, size) in [("d", 86_400.0), ("h", 3600.0), ("m", 60.0)] where seconds >= size {
            if seconds.truncatingRemainder(dividingBy: size) == 0 { return "\(Int(seconds / size))\(unit)" }
        }
        if seconds == seconds.rounded() { return "\(Int(seconds))s" }
        return "\(seconds)s"
    }

    /// The known key within edit distance 2 (or a third of its length) of `key`, if any.
    static func closest(to key: String, among keys: [String]) -> String? {
        let scored = keys.map { ($0, editDistance(key, $0)) }.sorted { $0.1 < $1.1 }
        guard let best = scored.first else { return nil }
        let limit = max(2, key.count / 3)
        return best.1 <= limit ? best.0 : nil
    }

    static func editDistance(_ left: String, _ right: String) -> Int {
        let a = Array(left.lowercased())
        let b = Array(right.lowercased())
        if a.isEmpty { return b.count }
        if b.isEmpty { return a.count }
        var previous = Array(0...b.count)
        var current = [Int](repeating: 0, count: b.count + 1)
        for i in 1...a.count {
            current[0] = i
            for j in 1...b.count {
                let cost = a[i - 1] == b[j - 1] ? 0 : 1
                current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
            }
            swap(&previous, &current)
        }
        return previous[b.count]
    }
}
