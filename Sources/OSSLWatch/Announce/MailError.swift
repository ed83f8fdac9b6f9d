public import OSSLWatchCore

/// Why a mail could not be drafted: a template that does not render, an address or header value
/// that is unsafe, a changelog without the release's section. One line a human can act on.
public struct MailError: CodedError, Hashable {
    public enum Code: String, Sendable, Hashable, Codable {
        /// An address is not `Name <local@domain>` or `local@domain`, or carries characters that
        /// could end a header (CR, LF, NUL) or smuggle a second address.
        case invalidAddress = "invalid-address"
        /// A header name or value (Message-ID, extra header) breaks the RFC 5322 grammar.
        case invalidHeader = "invalid-header"
        /// No template file for the message kind, or it cannot be read.
        case templateMissing = "template-missing"
        /// The template file is not `Subject: ...`, a blank line and a body, or its Mustache
        /// does not parse (unclosed section, bad tag).
        case templateSyntax = "template-syntax"
        /// The template names a variable the context does not have, or one that has no value
        /// where it is printed.
        case templateVariable = "template-variable"
        /// The downstream changelog lacks the release's section or cannot be read.
        case changelog
    }

    public let code: Code
    /// The file at fault (a template, a changelog), when there is one.
    public let file: String?
    /// The 1-based line in `file`, when known.
    public let line: Int?
    /// The template variable at fault, for `templateVariable`.
    public let variable: String?
    /// One line naming the file, line and value at fault.
    public let message: String

    public init(_ code: Code, _ message: String, file: String? = nil, line: Int? = nil, variable: String? = nil) {
        self.code = code
        self.file = file
        self.line = line
        self.variable = variable
        self.message = message
    }

    public var description: String {
        switch (file, line) {
        case (let file?, let line?): "\(file):\(line): \(message)"
        case (let file?, nil): "\(file): \(message)"
        default: message
        }
    }
}
