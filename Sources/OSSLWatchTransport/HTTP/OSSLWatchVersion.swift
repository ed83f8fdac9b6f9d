/// The version of osslwatch itself, sent in `User-Agent` so feed operators can tell who polls them.
public enum OSSLWatchVersion {
    public static let current = "0.1.0"
}
