/// A strict reader of the Prometheus text exposition format, enough to hold MetricsWriter to it:
/// every family has `# HELP` then `# TYPE` before its samples, samples are `name{labels} value`
/// with correctly escaped label values, families are contiguous and no series repeats.
struct ExpositionChecker {
    struct Violation: Error, CustomStringConvertible {
        let description: String
    }

    struct Sample: Hashable {
        var name: String
        var labels: [String: String]
        var value: Double
    }

    var samples: [Sample] = []
    var types: [String: String] = [:]

    init(_ text: String) throws {
        guard text.hasSuffix("\n") else { throw Violation(description: "the document does not end with a newline") }
        var helped: Set<String> = []
        var finished: Set<String> = []
        var current: String?
        var seen: Set<String> = []
        for (number, line) in text.dropLast().split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let line = String(line)
            func fail(_ why: String) -> Violation { Violation(description: "line \(number + 1): \(why): \(line)") }
            if line.hasPrefix("# HELP ") {
                let parts = line.dropFirst(7).split(separator: " ", maxSplits: 1)
                guard let name = parts.first.map(String.init), Self.isMetricName(name) else { throw fail("bad HELP") }
                guard !helped.contains(name), !finished.contains(name) else { throw fail("second HELP") }
                if let current, current != name { finished.insert(current) }
                current = name
                helped.insert(name)
            } else if line.hasPrefix("# TYPE ") {
                let parts = line.dropFirst(7).split(separator: " ")
                guard parts.count == 2, let name = parts.first.map(String.init), name == current,
                    ["gauge", "counter", "untyped", "summary", "histogram"].contains(String(parts[1])),
                    types[name] == nil
                else { throw fail("TYPE must follow its HELP once") }
                types[name] = String(parts[1])
            } else if line.hasPrefix("#") || line.isEmpty {
                throw fail("unexpected comment or blank line")
            } else {
                let sample = try Self.parseSample(line).get()
                guard sample.name == current, types[sample.name] != nil else {
                    throw fail("sample outside its family or before HELP/TYPE")
                }
                let key =
                    sample.name + "|"
                    + sample.labels.sorted { $0.key < $1.key }.map { "\($0)=\($1)" }
                    .joined(separator: ",")
                guard seen.insert(key).inserted else { throw fail("duplicate series") }
                samples.append(sample)
            }
        }
    }

    func values(_ name: String) -> [Sample] { samples.filter { $0.name == name } }

    static func isMetricName(_ name: String) -> Bool {
        guard let first = name.unicodeScalars.first,
            first == "_" || first == ":" || ("a"..."z").contains(first) || ("A"..."Z").contains(first)
        else { return false }
        return name.unicodeScalars.allSatisfy {
            $0 == "_" || $0 == ":" || ("a"..."z").contains($0) || ("A"..."Z").contains($0) || ("0"..."9").contains($0)
        }
    }

    static func parseSample(_ line: String) -> Result<Sample, Violation> {
        let scalars = Array(line.unicodeScalars)
        var index = 0
        var name = ""
        while index < scalars.count, scalars[index] != "{", scalars[index] != " " {
            name.unicodeScalars.append(scalars[index])
            index += 1
        }
        guard isMetricName(name) else { return .failure(Violation(description: "bad metric name in \(line)")) }
        var labels: [String: String] = [:]
        if index < scalars.count, scalars[index] == "{" {
            index += 1
            while true {
                var label = ""
                while index < scalars.count, scalars[index] != "=" {
                    label.unicodeScalars.append(scalars[index])
                    index += 1
                }
                guard isMetricName(label), !label.contains(":"), index + 1 < scalars.count, scalars[index + 1] == "\""
                else { return .failure(Violation(description: "bad label in \(line)")) }
                index += 2
                var value = ""
                while true {
                    guard index < scalars.count else {
                        return .failure(Violation(description: "unterminated label value in \(line)"))
                    }
                    let scalar = scalars[index]
                    if scalar == "\"" { break }
                    if scalar == "\\" {
                        guard index + 1 < scalars.count else {
                            return .failure(Violation(description: "dangling escape in \(line)"))
                        }
                        switch scalars[index + 1] {
                        case "\\": value += "\\"
                        case "\"": value += "\""
                        case "n": value += "\n"
                        default: return .failure(Violation(description: "bad escape in \(line)"))
                        }
                        index += 2
                        continue
                    }
                    value.unicodeScalars.append(scalar)
                    index += 1
                }
                index += 1
                guard labels.updateValue(value, forKey: label) == nil else {
                    return .failure(Violation(description: "repeated label in \(line)"))
                }
                guard index < scalars.count else { return .failure(Violation(description: "unterminated labels")) }
                if scalars[index] == "," {
                    index += 1
                    continue
                }
                guard scalars[index] == "}" else {
                    return .failure(Violation(description: "bad label list in \(line)"))
                }
                index += 1
                break
            }
        }
        guard index < scalars.count, scalars[index] == " " else {
            return .failure(Violation(description: "no space before the value in \(line)"))
        }
        var rest = ""
        rest.unicodeScalars.append(contentsOf: scalars[(index + 1)...])
        guard !rest.contains(" "), let value = Double(rest) else {
            return .failure(Violation(description: "bad value in \(line)"))
        }
        return .success(Sample(name: name, labels: labels, value: value))
    }
}
