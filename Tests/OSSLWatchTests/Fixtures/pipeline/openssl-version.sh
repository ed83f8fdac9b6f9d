# Pinned OpenSSL for the Linux wheel builders (pyca/infra shape, test data).
# shellcheck shell=bash
export OPENSSL_VERSION="openssl-3.5.3"
export OPENSSL_SHA256="c9489d2abcf943cdc8329a57092331c598a402938054dc3a22218aea8a8ec3bf"
# Configure flags: the pin bump must leave every byte below untouched.
export OPENSSL_BUILD_FLAGS_COMMON="no-ssl3 no-ssl3-method no-zlib no-shared no-comp no-dynamic-engine"
export OPENSSL_BUILD_FLAGS="${OPENSSL_BUILD_FLAGS_COMMON} no-legacy"
export OPENSSL_BUILD_FLAGS_WINDOWS="${OPENSSL_BUILD_FLAGS_COMMON}	enable-capieng"  # a tab and trailing spaces   
export CFLAGS_NOTE="version 3.5.3 appears here too but is not a pin"
