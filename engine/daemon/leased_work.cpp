#include "engine/daemon/leased_work.hpp"

namespace ritme {

namespace {

UtcInstant after(UtcInstant now, std::chrono::seconds term) {
    return {now.utc + boost::posix_time::seconds(static_cast<long>(term.count()))};
}

}  // namespace

std::optional<Lease> LeasedWork::run(const std::string& name, UtcInstant now, std::chrono::seconds term,
                                     const std::function<void()>& work) {
    Lease lease;
    const UtcInstant until = after(now, term);
    store_.write([&] { lease = store_.take_lease(name, holder_, now, until); });
    if (!lease.held_by(holder_)) return lease;
    try {
        work();
    } catch (...) {
        try {
            store_.write([&] { store_.release_lease(name, holder_); });
        } catch (const StoreError&) {
            // It ends with its term.
        }
        throw;
    }
    store_.write([&] { store_.release_lease(name, holder_); });
    return std::nullopt;
}

bool LeasedWork::renew(const std::string& name, UtcInstant now, std::chrono::seconds term) {
    return store_.take_lease(name, holder_, now, after(now, term)).held_by(holder_);
}

}  // namespace ritme
