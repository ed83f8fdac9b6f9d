// The C shims live in include/COSSLWatchSystem.h (static inline); SwiftPM needs one source file.
