#include "engine/daemon/leased_work.hpp"

namespace ritme {

std::optional<Lease> LeasedWork::run(const std::string& name, UtcInstant now, std::chrono::seconds term,
                                     const std::function<void()>& work) {
    Lease lease;
    const UtcInstant until{now.utc + boost::posix_time::seconds(static_cast<long>(term.count()))};
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

}  // namespace ritme
