#pragma once
// The daemon's `listen` setting, "HOST:PORT": read into its parts, and whether only this
// machine can reach it (a non-loopback address needs public_url and authentication on
// every endpoint).

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace ritme {

struct ListenAddress {
    std::string host;  // without the brackets of "[::1]"
    uint16_t port = 0;  // 0: any free port (tests)

    // "127.0.0.1:8470", "[::1]:8470", "localhost:8470"; nothing when it is not a host and port.
    static std::optional<ListenAddress> parse(std::string_view text);
    // 127.0.0.0/8, ::1 and "localhost".
    bool is_loopback() const;
    // "http://HOST:PORT", where a process on this machine reaches it: the wildcard
    // addresses 0.0.0.0 and :: are no address to call, so they become 127.0.0.1 and [::1].
    std::string local_url() const;
};

}  // namespace ritme
