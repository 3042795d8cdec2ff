#include "engine/base/identifier.hpp"

namespace ritme {

bool valid_identifier(std::string_view text) {
    if (text.empty() || text.size() > 64) return false;
    for (char c : text)
        if (!(c >= 'a' && c <= 'z') && !(c >= '0' && c <= '9') && c != '-') return false;
    return true;
}

}  // namespace ritme
