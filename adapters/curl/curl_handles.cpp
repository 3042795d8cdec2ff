#include "adapters/curl/curl_handles.hpp"

#include <stdexcept>

namespace ritme {

void ensure_curl_initialised() {
    static std::once_flag once;
    std::call_once(once, [] {
        if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) throw std::runtime_error("libcurl cannot initialise");
    });
}

CurlHandles::CurlHandles() { ensure_curl_initialised(); }

CurlHandles::~CurlHandles() {
    for (CURL* handle : free_) curl_easy_cleanup(handle);
}

CurlHandles::Lease CurlHandles::take() {
    CURL* handle = nullptr;
    {
        const std::lock_guard lock(mutex_);
        if (!free_.empty()) {
            handle = free_.back();
            free_.pop_back();
        }
    }
    if (handle) {
        // Options go back to their defaults; the open connection stays in the handle.
        curl_easy_reset(handle);
    } else {
        handle = curl_easy_init();
        if (!handle) throw std::runtime_error("libcurl cannot make a handle");
    }
    return Lease(*this, handle);
}

void CurlHandles::give_back(CURL* handle) {
    const std::lock_guard lock(mutex_);
    free_.push_back(handle);
}

}  // namespace ritme
