/// A `defer` whose clean-up awaits: a `defer` body cannot, and stopping the daemon awaits its exit
/// (a blocking wait there would hold one of the cooperative pool's few threads).
public enum AsyncCleanup {
    /// Runs `body`, then `cleanup`, also when `body` throws; returns or rethrows what `body` did.
    public static func run<T>(_ body: () async throws -> T, finally cleanup: () async -> Void) async rethrows -> T {
        let value: T
        do {
            value = try await body()
        } catch {
            await cleanup()
            throw error
        }
        await cleanup()
        return value
    }
}
