// A libFuzzer target: one per kind of input, RITME_FUZZ_ENTRY names its entry
// (tests/fuzz/CMakeLists.txt). What escapes the entry is a finding.

#include "tests/fuzz/fuzz_entries.hpp"

#include <cstddef>
#include <cstdint>
#include <string_view>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    ritme::fuzz::RITME_FUZZ_ENTRY(std::string_view(reinterpret_cast<const char*>(data), size));
    return 0;
}
