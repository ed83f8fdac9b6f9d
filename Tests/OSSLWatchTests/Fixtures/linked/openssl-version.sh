# The OpenSSL release the Linux wheel builders download and link statically.
export OPENSSL_VERSION="openssl-4.0.1"
export OPENSSL_SHA256="9A1B3C5D7E9F0A2B4C6D8E0F1A3B5C7D9E1F2A4B6C8D0E2F4A6B8C0D2E4F6A8B"
# Flags passed to Configure; the pin bump must leave these alone.
export OPENSSL_BUILD_FLAGS_COMMON="no-ssl3 no-ssl3-method no-zlib no-shared no-comp no-dynamic-engine"
export OPENSSL_BUILD_FLAGS="${OPENSSL_BUILD_FLAGS_COMMON} no-legacy"
