#pragma once
// Programme ids, school ids and location keys: lower-case letters, digits and dashes,
// at most 64 characters, so they read well in file names, URLs and messages.

#include <string_view>

namespace ritme {

bool valid_identifier(std::string_view text);

}  // namespace ritme
