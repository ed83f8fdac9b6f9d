/// What the owner of a `CurlEasy` hears while `perform` runs, on the transfer's thread.
///
/// A protocol so the C callbacks that turn libcurl's header and progress calls into these
/// are written once, in `CurlEasy`, for HTTP and SMTP alike.
protocol CurlObserver: AnyObject {
    /// One header line (HTTP) or server reply line (SMTP), line ending included.
    func receiveHeaderLine(_ line: String)

    /// Asked about once a second and on every progress; true aborts the transfer.
    func shouldAbort() -> Bool
}
