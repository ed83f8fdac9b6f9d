public import Foundation
import Glibc
public import OSSLWatchCore
public import OSSLWatchStore

/// `osslwatch approve|retry|skip|cancel`: change a run in the store, then wake the daemon.
///
/// The store is written first, so the change holds whether or not a daemon is there to be
/// signalled: a stopped daemon applies it when it next starts. The run's `RunMachine` refuses
/// illegal transitions (approving a step that is not waiting, retrying a done step); its
/// `RunRefusal` message, which names the current state, is the error's.
public enum RunChange {
    public enum Action: Sendable, Hashable {
        /// The waiting approval step, or the named one, becomes done.
        case approve(step: String?)
        /// A failed or needs-attention step goes back to pending.
        case retry(step: String)
        /// A step that has not run (or failed, or waits) is skipped.
        case skip(step: String)
        case cancel

        /// The command word, for messages.
        public var verb: String {
            switch self {
            case .approve: "approve"
            case .retry: "retry"
            case .skip: "skip"
            case .cancel: "cancel"
            }
        }

        /// The step named on the command line, if any.
        public var step: String? {
            switch self {
            case .approve(let step): step
            case .retry(let step), .skip(let step): step
            case .cancel: nil
            }
        }
    }

    /// Records the change; throws a one-line error for an unknown run or step or an illegal transition.
    public static func apply(_ action: Action, run id: Int64, store: Store, now: Date)
        throws(RunChangeError) -> RunRecord
    {
        do {
            guard try store.run(id) != nil else {
                throw RunChangeError(.unknownRun, "no run \(id) (`osslwatch runs` lists them)")
            }
            if let named = action.step {
                let steps = try store.steps(run: id)
                guard steps.contains(where: { $0.name == named }) else {
                    throw RunChangeError(
                        .unknownStep,
                        "run \(id) has no step \(named.debugDescription); its steps: "
                            + steps.map(\.name).joined(separator: ", "))
                }
            }
            switch action {
            case .approve(let step): try store.approve(run: id, step: step, at: now)
            case .retry(let step): try store.retry(run: id, step: step, at: now)
            case .skip(let step): try store.skip(run: id, step: step, at: now)
            case .cancel: try store.cancel(run: id, at: now)
            }
            guard let updated = try store.run(id) else {
                throw RunChangeError(.unknownRun, "run \(id) disappeared while it was changed")
            }
            return updated
        } catch let error as RunChangeError {
            throw error
        } catch let error as StoreError {
            switch error.code {
            case .illegalTransition: throw RunChangeError(.illegalTransition, error.message)
            case .notFound: throw RunChangeError(.unknownRun, error.message)
            default: throw RunChangeError(.store, "\(error)", exitStatus: error.exitStatus)
            }
        } catch {
            throw RunChangeError(.store, "\(error)", exitStatus: 74)
        }
    }
}

/// Why `osslwatch approve|retry|skip|cancel` changed nothing; the message is one line.
public struct RunChangeError: CodedError, Hashable {
    public enum Code: Sendable, Hashable {
        /// No run has that id.
        case unknownRun
        /// The run has no step of that name.
        case unknownStep
        /// The step or run is not in a state the change applies to; the message names the state.
        case illegalTransition
        /// The store could not be read or written.
        case store
    }

    public let code: Code
    public let message: String
    /// A sysexits status: 65 (`EX_DATAERR`) for an unknown run or step or an illegal
    /// transition, the store's own status otherwise.
    public let exitStatus: Int32

    public init(_ code: Code, _ message: String, exitStatus: Int32 = 65) {
        self.code = code
        self.message = message
        self.exitStatus = exitStatus
    }
}
