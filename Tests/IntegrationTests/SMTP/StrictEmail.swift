import Foundation

/// A message as Python's `email` package reads it under `email.policy.strict`, which raises
/// on any defect: an independent check that delivered bytes are a valid RFC 5322 message.
struct StrictEmail: Decodable {
    /// Header names and decoded values in order.
    var headers: [[String]]
    /// The decoded text body.
    var body: String

    struct Failed: Error, CustomStringConvertible {
        let description: String
    }

    static let script = """
        import email, email.policy, json, sys
        with open(sys.argv[1], "rb") as handle:
            message = email.message_from_binary_file(handle, policy=email.policy.strict)
        print(json.dumps({
            "headers": [[name, str(value)] for name, value in message.items()],
            "body": message.get_content(),
        }))
        """

    /// Parses the file at `path`; throws with Python's error when the policy refuses it.
    static func parse(path: String) throws -> StrictEmail {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", "-c", script, path]
        let output = Pipe()
        let errors = Pipe()
        process.standardOutput = output
        process.standardError = errors
        try process.run()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        let errorText = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw Failed(description: "python3 email strict policy refused \(path): \(errorText)")
        }
        return try JSONDecoder().decode(StrictEmail.self, from: data)
    }

    func header(_ name: String) -> String? {
        headers.first { $0.first?.lowercased() == name.lowercased() }.flatMap { $0.count > 1 ? $0[1] : nil }
    }
}
