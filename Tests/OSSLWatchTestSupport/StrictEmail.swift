public import Foundation

/// A message as Python's `email` package reads it under `email.policy.strict`, which raises
/// on any defect: an independent check that delivered or drafted bytes are a valid RFC 5322
/// message. The one strict reader the SMTP and mail tests share.
public struct StrictEmail: Decodable {
    /// Header names and decoded values in order.
    public var headers: [[String]]
    /// The decoded text body.
    public var body: String
    /// How many defects Python noted (the strict policy raises on most of them instead).
    public var defects: Int
    /// The MIME type of the body, such as `text/plain`.
    public var contentType: String
    /// The body's charset parameter, if any.
    public var charset: String?

    /// Reads the message from the file named by its first argument, or from standard input;
    /// as a binary file either way, so the body's lines end in LF whatever the wire used.
    public static let script = """
        import email, email.policy, json, sys
        source = open(sys.argv[1], "rb") if len(sys.argv) > 1 else sys.stdin.buffer
        with source:
            message = email.message_from_binary_file(source, policy=email.policy.strict)
        print(json.dumps({
            "headers": [[name, str(value)] for name, value in message.items()],
            "body": message.get_content(),
            "defects": len(message.defects),
            "contentType": message.get_content_type(),
            "charset": message.get_content_charset(),
        }))
        """

    /// Parses the file at `path`; throws with Python's error when the policy refuses it.
    public static func parse(path: String) async throws -> StrictEmail {
        try JSONDecoder().decode(StrictEmail.self, from: await PythonScript.run(script, arguments: [path]))
    }

    /// Parses `bytes`; throws with Python's error when the policy refuses them.
    public static func parse(bytes: Data) async throws -> StrictEmail {
        try JSONDecoder().decode(StrictEmail.self, from: await PythonScript.run(script, arguments: [], input: bytes))
    }

    /// The first header of that name (case-insensitive), decoded.
    public func header(_ name: String) -> String? {
        headers.first { $0.first?.lowercased() == name.lowercased() }.flatMap { $0.count > 1 ? $0[1] : nil }
    }
}
