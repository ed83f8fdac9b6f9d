import Synchronization

/// Set by a task's cancellation handler, read by the blocking work on its dedicated thread
/// (libcurl's progress callback, a wait for a child process), which then gives up.
package final class CancellationFlag: Sendable {
    private let flag = Atomic<Bool>(false)

    package init() {}

    package func cancel() { flag.store(true, ordering: .relaxed) }

    package var isCancelled: Bool { flag.load(ordering: .relaxed) }
}
