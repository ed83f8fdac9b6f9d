/// Every harness, in the order `make fuzz` runs them.
enum Registry {
    static let harnesses: [Harness] =
        FeedHarnesses.all + [
            ConfigHarness.harness, PinFileHarness.harness, SBOMHarness.harness, WheelHarness.harness,
            SMTPReplyHarness.harness, VersionHarness.harness,
        ]

    static func harness(named name: String) -> Harness? {
        harnesses.first { $0.name == name }
    }
}
