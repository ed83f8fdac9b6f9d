# OpenSSL version and digest the Linux wheel builders download and verify.
export OPENSSL_VERSION="openssl-3.5.3"
export OPENSSL_SHA256="c9489d2abcf943cdc8329a57092331c598a402938054dc3a22218aea8a8ec3bf"
# Build configuration: left untouched by version bumps.
export OPENSSL_BUILD_FLAGS="no-ssl3 no-ssl3-method no-zlib no-shared no-comp no-dynamic-engine"
export OPENSSL_BUILD_FLAGS_WINDOWS="no-ssl3 no-ssl3-method no-zlib no-shared no-comp no-dynamic-engine"
export OPENSSL_BUILD_FLAGS_MACOS="no-ssl3 no-ssl3-method no-zlib no-shared no-comp no-dynamic-engine"
