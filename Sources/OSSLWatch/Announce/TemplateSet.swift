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

    public init(directory: String) {
        self.directory = directory
    }

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
