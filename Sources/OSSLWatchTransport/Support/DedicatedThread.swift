import COSSLWatchSystem
import Foundation
package import OSSLWatchCore

/// Runs blocking work (a libcurl transfer, waiting for a child, reading a large binary) on a
/// thread of its own, so it never occupies one of the few threads of Swift's cooperative pool.
/// Cancelling the calling task sets the `CancellationFlag` the work is given.
///
/// In the transport module because the HTTP and SMTP clients need it; the application's
/// pipeline uses it from there.
package enum DedicatedThread {
    package static func run<T: Sendable>(name: String, _ work: @escaping @Sendable (CancellationFlag) -> T) async -> T {
        let cancellation = CancellationFlag()
        return await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<T, Never>) in
                let thread = Thread {
                    // Foundation on Linux does not pass Thread.name to the kernel; set it so the
                    // thread shows up by name in /proc, ps and debuggers (15 bytes at most kept).
                    _ = osw_set_current_thread_name(name)
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
