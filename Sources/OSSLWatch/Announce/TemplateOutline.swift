import Foundation

/// The tag structure of a Mustache template with the line of every tag, read independently of
/// swift-mustache (whose parsed tokens are not public) so errors can name the line of a
/// variable and of the section that is never closed.
///
/// Only what plain-text mail needs is accepted: variables (`{{x}}`, `{{{x}}}`, `{{&x}}`),
/// sections, inverted sections, comments and delimiter changes. Partials, blocks and pragmas
/// are refused: a mail template is one self-contained file, and its content type is fixed.
struct TemplateOutline {
    indirect enum Node {
        case variable(name: String, line: Int)
        case section(name: String, line: Int, inverted: Bool, children: [Node])
    }

    let nodes: [Node]

    /// Reads `text` (LF line ends) whose first line is line `firstLine` of `file`.
    init(_ text: String, firstLine: Int, file: String) throws(MailError) {
        let chars = Array(text)
        var open: [Character] = ["{", "{"]
        var close: [Character] = ["}", "}"]
        var line = firstLine
        var index = 0
        // Open sections, innermost last: name, line, inverted, children so far.
        var stack: [(name: String, line: Int, inverted: Bool, children: [Node])] = [("", 0, false, [])]

        func matches(_ pattern: [Character], at position: Int) -> Bool {
            guard position + pattern.count <= chars.count else { return false }
            return chars[position..<position + pattern.count].elementsEqual(pattern)
        }

        while index < chars.count {
            if chars[index] == "\n" {
                line += 1
                index += 1
                continue
            }
            guard matches(open, at: index) else {
                index += 1
                continue
            }
            let tagLine = line
            var start = index + open.count
            var end = start
            while end < chars.count, !matches(close, at: end) { end += 1 }
            guard end < chars.count else {
                throw MailError(
                    .templateSyntax, "tag `\(String(open))` is never closed with `\(String(close))`", file: file,
                    line: tagLine)
            }
            var after = end + close.count
            let sigil = start < end ? chars[start] : " "
            if sigil == "{" {
                // `{{{x}}}`: the closing `}` follows the end delimiter.
                guard after < chars.count, chars[after] == "}" else {
                    throw MailError(.templateSyntax, "`{{{` is not closed by `}}}`", file: file, line: tagLine)
                }
                after += 1
            }
            let content = String(chars[start..<end])
            line += content.filter { $0 == "\n" }.count
            index = after
            if "#^/&{>!<$=%".contains(sigil) { start += 1 }
            let name = String(chars[start..<end]).trimmingCharacters(in: .whitespacesAndNewlines)
            switch sigil {
            case "!":
                continue
            case "=":
                let parts = name.dropLast(name.hasSuffix("=") ? 1 : 0).split(whereSeparator: \.isWhitespace)
                guard parts.count == 2 else {
                    throw MailError(
                        .templateSyntax, "delimiter change `\(content)` needs two delimiters", file: file, line: tagLine
                    )
                }
                open = Array(parts[0])
                close = Array(parts[1])
            case ">", "<", "$":
                throw MailError(
                    .templateSyntax, "partials and blocks (`\(sigil)`) are not supported in mail templates", file: file,
                    line: tagLine)
            case "%":
                throw MailError(
                    .templateSyntax, "pragmas are not supported in mail templates", file: file, line: tagLine)
            case "#", "^":
                guard !name.isEmpty else {
                    throw MailError(.templateSyntax, "section tag without a name", file: file, line: tagLine)
                }
                stack.append((name, tagLine, sigil == "^", []))
            case "/":
                guard stack.count > 1 else {
                    throw MailError(
                        .templateSyntax, "`{{/\(name)}}` closes a section that was never opened", file: file,
                        line: tagLine, variable: name)
                }
                let section = stack.removeLast()
                guard section.name == name else {
                    throw MailError(
                        .templateSyntax,
                        "section `\(section.name)` opened on line \(section.line) is closed by `{{/\(name)}}`",
                        file: file, line: tagLine, variable: section.name)
                }
                stack[stack.count - 1].children.append(
                    .section(
                        name: section.name, line: section.line, inverted: section.inverted, children: section.children))
            default:
                guard !name.isEmpty else {
                    throw MailError(.templateSyntax, "empty tag", file: file, line: tagLine)
                }
                stack[stack.count - 1].children.append(.variable(name: name, line: tagLine))
            }
        }
        if stack.count > 1, let unclosed = stack.last {
            throw MailError(
                .templateSyntax, "section `\(unclosed.name)` opened on line \(unclosed.line) is never closed",
                file: file, line: unclosed.line, variable: unclosed.name)
        }
        nodes = stack[0].children
    }

    /// The context key a tag looks up: the argument of a transform (`uppercased(name)` -> `name`),
    /// or the name itself. Empty for sequence transforms like `first()`.
    static func key(of name: String) -> String {
        guard let open = name.lastIndex(of: "(") else { return name }
        let inner = name[name.index(after: open)...]
        return String(inner.prefix { $0 != ")" })
    }
}
