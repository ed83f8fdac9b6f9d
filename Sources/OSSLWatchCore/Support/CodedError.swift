/// An error a person reads: a `code` a caller can branch on and a `message`, one line that says
/// what is wrong and what to do. Every error type of osslwatch is one.
///
/// `description` is the message unless the type puts where the error is (a file, a feed, a URL)
/// in front of it.
public protocol CodedError: Error, Sendable, CustomStringConvertible {
    associatedtype Code: Sendable, Hashable
    var code: Code { get }
    var message: String { get }
}

extension CodedError {
    public var description: String { message }

    /// `text` on one line: line breaks (from a wrapped system or regex error) become spaces, so
    /// a reason is always one line in logs and in the CLI's output.
    public static func oneLine(_ text: String) -> String {
        text.split(whereSeparator: \.isNewline).joined(separator: " ")
    }
}

/// A `CodedError` that is nothing but its code and its message; an error type with no field of
/// its own is `OneLineError` of its codes (`typealias StepError = OneLineError<StepErrorCode>`).
public struct OneLineError<Code: Sendable & Hashable>: CodedError, Hashable {
    public var code: Code
    public var message: String

    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = Self.oneLine(message)
    }
}

/// A `CodedError` about one file or directory, which its description names in front of the
/// message (`/var/lib/osslwatch/osslwatch.pid: rename failed: ...`).
public struct PathError<Code: Sendable & Hashable>: CodedError, Hashable {
    public var code: Code
    /// The file or directory concerned.
    public var path: String
    public var message: String

    public init(_ code: Code, path: String, _ message: String) {
        self.code = code
        self.path = path
        self.message = message
    }

    public var description: String { "\(path): \(message)" }
}
