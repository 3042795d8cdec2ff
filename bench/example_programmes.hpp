#pragma once
// What the apply and plan benches share: the shipped Almere programme under many ids and
// start weeks, and a stopwatch.

#include "engine/programme/programme_loader.hpp"

#include <chrono>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

namespace ritme::bench {

inline double seconds_since(std::chrono::steady_clock::time_point start) {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

// `count` copies of the Almere programme, ids bench-0…, starting `first` and then a week
// later each, over `weeks` different weeks.
inline std::vector<Programme> example_programmes(int count, Date first, int weeks) {
    std::ifstream in(RITME_SOURCE_DIR "/config/programmes/almere-vrouwen-2026.toml");
    std::ostringstream text;
    text << in.rdbuf();
    ProgrammeLoad load = load_programme_text(text.str(), "almere.toml");
    if (load.status != LoadStatus::ok) throw std::runtime_error("the example programme does not load");
    std::vector<Programme> programmes;
    for (int i = 0; i < count; ++i) {
        Programme p = *load.programme;
        p.id = "bench-" + std::to_string(i);
        p.start = first + boost::gregorian::days(7 * (i % weeks));
        programmes.push_back(std::move(p));
    }
    return programmes;
}

}  // namespace ritme::bench
