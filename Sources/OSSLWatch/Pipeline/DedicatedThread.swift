import Foundation

/// Runs blocking work (waiting for a child, reading a large binary) on a thread of its own,
/// so it never occupies one of the few threads of Swift's cooperative pool.
enum DedicatedThread {
    static func run<T: Sendable>(name: String, _ work: @escaping @Sendable (CancellationFlag) -> T) async -> T {
        let cancellation = CancellationFlag()
        return await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<T, Never>) in
                let thread = Thread {
                    continuation.resume(returning: work(cancellation))
                }
                thread.name = name
                thread.start()
            }
        } onCancel: {
            cancellation.cancel()
        }
    }
}
