extension FeedBody {
    /// Refuses C0 control characters other than tab, line feed, carriage return and form feed.
    ///
    /// Text and JSON never carry them raw; their presence means another encoding (UTF-16 of
    /// ASCII text is valid UTF-8 full of NULs) or a binary body, and a decoder that guesses
    /// encodings must not get the chance to.
    static func refuseControlCharacters(in text: String, feed: String) throws(FeedError) {
        var offset = 0
        for byte in text.utf8 {
            if byte < 0x20, byte != 0x09, byte != 0x0A, byte != 0x0D, byte != 0x0C {
                throw FeedError(
                    .encoding, feed: feed,
                    "control character 0x\(String(byte, radix: 16)) at byte \(offset); the body is not UTF-8 text")
            }
            offset += 1
        }
    }
}
