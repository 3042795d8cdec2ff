#include "tests/test_support.hpp"

namespace ritme::test {

std::string source_path(const std::string& relative) { return std::string(RITME_SOURCE_DIR) + "/" + relative; }
std::string data_path(const std::string& relative) { return std::string(RITME_TEST_DATA) + "/" + relative; }

}  // namespace ritme::test
