import Foundation
import Mustache

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

    public init(subject: String, body: String) {
        self.subject = subject
        self.body = body
    }
}
