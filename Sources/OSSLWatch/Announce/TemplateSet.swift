import Foundation
import Mustache
public import OSSLWatchCore

/// The mail templates of one directory: `<kind>.mustache` for each `MessageKind`, overridden for
/// a project by `<project>/<kind>.mustache` when that file exists.
///
/// A template file is `Subject: <template>` on its first line, a blank line, then the body
/// template. Rendering is plain text: values are inserted as they are (no HTML escaping) and
/// never read as Mustache. A name the context does not have, or a value printed where it is
/// empty, is an error naming the file, line and variable instead of an empty gap in a mail
/// sent to a public list. Files are read on every render, so edits apply to the next draft.
public struct TemplateSet: Sendable, Hashable {
    /// The directory holding `<kind>.mustache` (absolute, from `mail.templates`).
    public let directory: String

    /// The file `render(kind:project:context:)` uses for this kind and project.
    public func templateFile(kind: MessageKind, project: String?) -> String {
        let name = "\(kind.rawValue).mustache"
        let base = URL(fileURLWithPath: directory, isDirectory: true)
        if let project, Self.isSafeProjectName(project) {
            let override = base.appendingPathComponent(project, isDirectory: true).appendingPathComponent(name).path
            if FileManager.default.fileExists(atPath: override) { return override }
        }
        return base.appendingPathComponent(name).path
    }

    /// Renders the kind's template for `project` with `context`.
    public func render(kind: MessageKind, project: String, context: AnnouncementContext) throws(MailError)
        -> RenderedText
    {
        let template = try load(templateFile(kind: kind, project: project))
        return try template.render(context)
    }

    /// Loads and checks every kind's template (the project's override where present) against a
    /// context with every field set: misspelt names and syntax errors show at startup.
    public func validate(project: String?) throws(MailError) {
        for kind in MessageKind.allCases {
            let template = try load(templateFile(kind: kind, project: project))
            try template.checkNames()
        }
    }

    /// Renders template text directly; `file` names it in errors. For tests and previews.
    public static func render(text: String, file: String, context: AnnouncementContext) throws(MailError)
        -> RenderedText
    {
        try MailTemplate(text: text, file: file).render(context)
    }

    private func load(_ file: String) throws(MailError) -> MailTemplate {
        guard let data = FileManager.default.contents(atPath: file) else {
            throw MailError(.templateMissing, "cannot read the template", file: file)
        }
        guard let text = String(data: data, encoding: .utf8) else {
            throw MailError(.templateSyntax, "the template is not UTF-8", file: file)
        }
        return try MailTemplate(text: text, file: file)
    }

    /// A project slug as the config allows it: no path separators, no leading dot.
    private static func isSafeProjectName(_ name: String) -> Bool {
        !name.isEmpty && !name.hasPrefix(".") && !name.contains("/") && !name.contains("\0")
    }
}

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

/// Checks a template outline against a context the way swift-mustache will look names up, so
/// a name that would silently render as nothing is an error naming the file, line and variable.
///
/// `checkNames` walks every branch against a sample with every field set (every section
/// entered), so a misspelt name fails even in a branch this context does not take.
/// `checkValues` walks only the branches rendering takes for the real context, and fails when
/// a printed variable has no value there.
struct TemplateChecker {
    let file: String

    private enum Lookup {
        /// Some scope has the name with a value.
        case value(Any)
        /// Some scope declares the name but its value is nil.
        case empty
        case unknown
    }

    func checkNames(_ nodes: [TemplateOutline.Node], stack: [Any]) throws(MailError) {
        for node in nodes {
            switch node {
            case .variable(let name, let line):
                try require(name, line: line, stack: stack)
            case .section(let name, let line, let inverted, let children):
                let found = try require(name, line: line, stack: stack)
                var inner = stack
                if !inverted, let found {
                    if let list = found as? [Any] {
                        if let first = list.first { inner.append(first) }
                    } else if !(found is Bool) {
                        inner.append(found)
                    }
                }
                try checkNames(children, stack: inner)
            }
        }
    }

    func checkValues(_ nodes: [TemplateOutline.Node], stack: [Any]) throws(MailError) {
        for node in nodes {
            switch node {
            case .variable(let name, let line):
                let key = TemplateOutline.key(of: name)
                if key.isEmpty || key == "." { continue }
                if case .value = lookup(key, stack: stack) { continue }
                throw MailError(
                    .templateVariable,
                    "variable `\(key)` has no value here; print it inside `{{#\(key)}}...{{/\(key)}}`",
                    file: file, line: line, variable: key)
            case .section(let name, _, let inverted, let children):
                let key = TemplateOutline.key(of: name)
                if key.isEmpty { continue }
                var value: Any? =
                    switch lookup(key, stack: stack) {
                    case .value(let value): value
                    default: nil
                    }
                if key != name {
                    // Of the transforms only `empty(x)` is followed; other transformed sections
                    // had their names checked and are left to rendering.
                    guard name == "empty(\(key))" else { continue }
                    value = Self.isEmpty(value)
                }
                let truthy: Bool =
                    switch value {
                    case nil: false
                    case let flag as Bool: flag
                    case let list as [Any]: !list.isEmpty
                    default: true
                    }
                if inverted {
                    if !truthy { try checkValues(children, stack: stack) }
                } else if truthy, let value {
                    if let list = value as? [Any] {
                        for element in list { try checkValues(children, stack: stack + [element]) }
                    } else if value is Bool {
                        try checkValues(children, stack: stack)
                    } else {
                        try checkValues(children, stack: stack + [value])
                    }
                }
            }
        }
    }

    private static func isEmpty(_ value: Any?) -> Bool {
        switch value {
        case nil: true
        case let list as [Any]: list.isEmpty
        case let text as String: text.isEmpty
        default: false
        }
    }

    /// Fails when no scope declares the name; returns its value, nil when it is declared but empty.
    @discardableResult
    private func require(_ name: String, line: Int, stack: [Any]) throws(MailError) -> Any? {
        let key = TemplateOutline.key(of: name)
        if key.isEmpty || key == "." { return stack.last }
        switch lookup(key, stack: stack) {
        case .value(let value): return value
        case .empty: return nil
        case .unknown:
            throw MailError(
                .templateVariable, "unknown variable `\(key)`", file: file, line: line, variable: key)
        }
    }

    /// swift-mustache's rule: the first part of a dotted name is looked up from the innermost
    /// scope outwards, skipping scopes where it is missing or nil; later parts are looked up in
    /// the value found.
    private func lookup(_ name: String, stack: [Any]) -> Lookup {
        let parts = name.split(separator: ".").map(String.init)
        guard let head = parts.first else { return .value(stack.last as Any) }
        var result = Lookup.unknown
        for scope in stack.reversed() {
            switch Self.child(head, of: scope) {
            case .value(let value):
                result = .value(value)
            case .empty:
                result = .empty
                continue
            case .unknown:
                continue
            }
            break
        }
        for part in parts.dropFirst() {
            guard case .value(let value) = result else { return result }
            result = Self.child(part, of: value)
        }
        return result
    }

    private static func child(_ name: String, of object: Any) -> Lookup {
        if let parent = object as? any MustacheParent {
            return parent.child(named: name).map { .value($0) } ?? .unknown
        }
        guard let match = Mirror(reflecting: object).children.first(where: { $0.label == name }) else {
            return .unknown
        }
        let value = match.value
        let mirror = Mirror(reflecting: value)
        if mirror.displayStyle == .optional {
            guard let wrapped = mirror.children.first?.value else { return .empty }
            return .value(wrapped)
        }
        return .value(value)
    }
}

/// One parsed template file: its subject and body templates, their outlines for checking, and
/// the line each starts on.
struct MailTemplate {
    let file: String
    let subject: MustacheTemplate
    let body: MustacheTemplate
    let subjectOutline: TemplateOutline
    let bodyOutline: TemplateOutline

    /// The body starts on line 3: line 1 is the subject, line 2 is blank.
    static let bodyFirstLine = 3

    init(text: String, file: String) throws(MailError) {
        self.file = file
        let normalized = text.replacingOccurrences(of: "\r\n", with: "\n")
        let lines = normalized.split(separator: "\n", maxSplits: 2, omittingEmptySubsequences: false)
        guard let first = lines.first, first.hasPrefix("Subject:") else {
            throw MailError(.templateSyntax, "the first line must be `Subject: ...`", file: file, line: 1)
        }
        guard lines.count >= 2, lines[1].trimmingCharacters(in: .whitespaces).isEmpty else {
            throw MailError(.templateSyntax, "the second line must be blank (it ends the subject)", file: file, line: 2)
        }
        let subjectText = String(first.dropFirst("Subject:".count)).trimmingCharacters(in: .whitespaces)
        let bodyText = lines.count > 2 ? String(lines[2]) : ""
        subjectOutline = try TemplateOutline(subjectText, firstLine: 1, file: file)
        bodyOutline = try TemplateOutline(bodyText, firstLine: Self.bodyFirstLine, file: file)
        subject = try Self.parse(subjectText, firstLine: 1, file: file)
        body = try Self.parse(bodyText, firstLine: Self.bodyFirstLine, file: file)
    }

    /// Checks names on every branch against `AnnouncementContext.templateSample`.
    func checkNames() throws(MailError) {
        let checker = TemplateChecker(file: file)
        try checker.checkNames(subjectOutline.nodes, stack: [AnnouncementContext.templateSample])
        try checker.checkNames(bodyOutline.nodes, stack: [AnnouncementContext.templateSample])
    }

    func render(_ context: AnnouncementContext) throws(MailError) -> RenderedText {
        try checkNames()
        let checker = TemplateChecker(file: file)
        try checker.checkValues(subjectOutline.nodes, stack: [context])
        try checker.checkValues(bodyOutline.nodes, stack: [context])
        var subjectText = ""
        for scalar in subject.render(context).unicodeScalars {
            subjectText.unicodeScalars.append(MailAddress.isControl(scalar) ? " " : scalar)
        }
        subjectText = subjectText.trimmingCharacters(in: .whitespaces)
        guard !subjectText.isEmpty else {
            throw MailError(.templateSyntax, "the subject renders empty for this context", file: file, line: 1)
        }
        var bodyText = body.render(context)
        if !bodyText.hasSuffix("\n") { bodyText += "\n" }
        return RenderedText(subject: subjectText, body: bodyText)
    }

    /// Parses with swift-mustache in plain-text mode (the pragma line is standalone, so it
    /// renders as nothing; error lines are shifted back by it).
    private static func parse(_ text: String, firstLine: Int, file: String) throws(MailError) -> MustacheTemplate {
        do {
            return try MustacheTemplate(string: "{{%CONTENT_TYPE:TEXT}}\n" + text)
        } catch let error as MustacheTemplate.ParserError {
            throw MailError(
                .templateSyntax, "Mustache syntax: \(error.error)", file: file,
                line: error.context.lineNumber - 1 + firstLine - 1)
        } catch {
            throw MailError(.templateSyntax, "Mustache syntax: \(error)", file: file, line: firstLine)
        }
    }
}

/// A template rendered for one context: the subject line and the plain-text body, both still
/// unencoded; `MailMessage` turns them into RFC 5322 bytes.
public struct RenderedText: Sendable, Hashable, Codable {
    /// One line, no CR or LF.
    public var subject: String
    /// Lines separated by LF, ending with one LF.
    public var body: String
}
