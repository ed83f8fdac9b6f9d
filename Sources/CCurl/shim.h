#ifndef OSSLWATCH_CCURL_SHIM_H
#define OSSLWATCH_CCURL_SHIM_H

#include <curl/curl.h>

// libcurl's setopt/getinfo are variadic and cannot be called from Swift. These typed
// wrappers fix the argument type per option family, so a wrong type is a compile error.

static inline CURLcode osw_easy_setopt_long(CURL *handle, CURLoption option, long value) {
    return curl_easy_setopt(handle, option, value);
}

static inline CURLcode osw_easy_setopt_string(CURL *handle, CURLoption option, const char *value) {
    return curl_easy_setopt(handle, option, value);
}

static inline CURLcode osw_easy_setopt_pointer(CURL *handle, CURLoption option, void *value) {
    return curl_easy_setopt(handle, option, value);
}

static inline CURLcode osw_easy_setopt_slist(CURL *handle, CURLoption option, struct curl_slist *value) {
    return curl_easy_setopt(handle, option, value);
}

static inline CURLcode osw_easy_setopt_off(CURL *handle, CURLoption option, curl_off_t value) {
    return curl_easy_setopt(handle, option, value);
}

typedef size_t (*osw_data_callback)(char *buffer, size_t size, size_t count, void *userdata);

static inline CURLcode osw_easy_setopt_data_callback(CURL *handle, CURLoption option, osw_data_callback callback) {
    return curl_easy_setopt(handle, option, callback);
}

typedef int (*osw_xferinfo_callback)(void *userdata, curl_off_t dltotal, curl_off_t dlnow, curl_off_t ultotal,
                                     curl_off_t ulnow);

static inline CURLcode osw_easy_setopt_xferinfo(CURL *handle, osw_xferinfo_callback callback) {
    return curl_easy_setopt(handle, CURLOPT_XFERINFOFUNCTION, callback);
}

static inline CURLcode osw_easy_getinfo_long(CURL *handle, CURLINFO info, long *value) {
    return curl_easy_getinfo(handle, info, value);
}

static inline CURLcode osw_easy_getinfo_string(CURL *handle, CURLINFO info, char **value) {
    return curl_easy_getinfo(handle, info, value);
}

static inline CURLcode osw_easy_getinfo_off(CURL *handle, CURLINFO info, curl_off_t *value) {
    return curl_easy_getinfo(handle, info, value);
}

static inline CURLcode osw_easy_getinfo_double(CURL *handle, CURLINFO info, double *value) {
    return curl_easy_getinfo(handle, info, value);
}

typedef int (*osw_sockopt_callback)(void *userdata, curl_socket_t socket, curlsocktype purpose);

// CURLOPT_SOCKOPTFUNCTION: called with every socket libcurl creates, before it connects.
static inline CURLcode osw_easy_setopt_sockopt(CURL *handle, osw_sockopt_callback callback) {
    return curl_easy_setopt(handle, CURLOPT_SOCKOPTFUNCTION, callback);
}

// SMTP: whether a failed RCPT TO may be skipped. libcurl 8.2 renamed the option from its
// misspelt first name; the value is the same.
static inline CURLcode osw_easy_setopt_mail_rcpt_allowfails(CURL *handle, long value) {
#if LIBCURL_VERSION_NUM >= 0x080200
    return curl_easy_setopt(handle, CURLOPT_MAIL_RCPT_ALLOWFAILS, value);
#else
    return curl_easy_setopt(handle, CURLOPT_MAIL_RCPT_ALLLOWFAILS, value);
#endif
}

#endif
