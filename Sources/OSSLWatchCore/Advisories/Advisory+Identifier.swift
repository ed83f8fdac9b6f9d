extension Advisory {
    /// True for `CVE-YYYY-NNNN` with a four-digit year from 1999 and a sequence number of 4 to 19
    /// digits, as the CVE program assigns them; anything else never becomes a stored key.
    public static func isCVEIdentifier(_ text: some StringProtocol) -> Bool {
        let bytes = Array(text.utf8)
        guard bytes.count >= 13, bytes.count <= 28, bytes.starts(with: Array("CVE-".utf8)) else { return false }
        let isDigit = { (byte: UInt8) in byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9") }
        let year = bytes[4..<8]
        guard year.allSatisfy(isDigit), bytes[8] == UInt8(ascii: "-") else { return false }
        let number = bytes[9...]
        guard (4...19).contains(number.count), number.allSatisfy(isDigit) else { return false }
        let yearValue = year.reduce(0) { $0 * 10 + Int($1 - UInt8(ascii: "0")) }
        return yearValue >= 1999
    }
}
