#ifndef OSSLWATCH_COPENSSL_SHIM_H
#define OSSLWATCH_COPENSSL_SHIM_H

#include <openssl/evp.h>
#include <openssl/crypto.h>
#include <openssl/opensslv.h>

// OPENSSL_VERSION_TEXT is a macro string; Swift cannot import it directly.
static inline const char *osw_openssl_header_version_text(void) {
    return OPENSSL_VERSION_TEXT;
}

#endif
