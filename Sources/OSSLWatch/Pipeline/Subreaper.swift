import CCurl
import Foundation

/// Makes this process the reaper of its orphaned descendants (`PR_SET_CHILD_SUBREAPER`).
///
/// A command's background grandchild outlives its parent; without this it goes to PID 1,
/// which in a container may never reap it, so its group would look alive forever. As the
/// subreaper, osslwatch can reap the members of a command's group itself and know when the
/// group is gone.
enum Subreaper {
    /// Set on first use; whether the kernel accepted it.
    static let enabled: Bool = osw_set_child_subreaper() == 0
}
