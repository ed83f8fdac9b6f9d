# The OpenSSL the wheel builders download, verify with sha256sum -c, and link statically.
export OPENSSL_VERSION="openssl-3.5.3"
export OPENSSL_SHA256="@PREVIOUS_SHA256@"
# Configure flags: a version bump leaves these lines alone.
export OPENSSL_BUILD_FLAGS="no-ssl3 no-ssl3-method no-zlib no-shared no-comp no-dynamic-engine"
export OPENSSL_BUILD_FLAGS_WINDOWS="no-ssl3 no-ssl3-method no-zlib no-shared no-comp no-dynamic-engine"
