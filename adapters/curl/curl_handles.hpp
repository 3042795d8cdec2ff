#pragma once
// libcurl easy handles kept between sends, each with its open connection, so a batch
// reuses connections (HTTP keep-alive, one SMTP session) instead of a new TCP and TLS
// handshake per message. A worker takes a handle for one send and gives it back.

#include <curl/curl.h>

#include <memory>
#include <mutex>
#include <vector>

namespace ritme {

// curl_global_init, once per process, before the first handle (thread-safe).
void ensure_curl_initialised();

class CurlHandles {
public:
    class Lease {
    public:
        Lease(CurlHandles& owner, CURL* handle) : owner_(&owner), handle_(handle) {}
        Lease(Lease&& other) noexcept : owner_(other.owner_), handle_(other.handle_) { other.handle_ = nullptr; }
        Lease(const Lease&) = delete;
        Lease& operator=(const Lease&) = delete;
        Lease& operator=(Lease&&) = delete;
        ~Lease() {
            if (handle_) owner_->give_back(handle_);
        }
        CURL* get() const { return handle_; }

    private:
        CurlHandles* owner_;
        CURL* handle_;
    };

    CurlHandles();
    ~CurlHandles();
    CurlHandles(const CurlHandles&) = delete;
    CurlHandles& operator=(const CurlHandles&) = delete;

    // A handle with its options reset and its connection kept; a new one when none is free.
    Lease take();

private:
    void give_back(CURL* handle);

    std::mutex mutex_;
    std::vector<CURL*> free_;
};

}  // namespace ritme
