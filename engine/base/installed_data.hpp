#pragma once
// Where ritme's shipped data is: an installed ritme finds it beside itself
// (<prefix>/bin/ritme and <prefix>/share/ritme/SUBDIRECTORY); a build tree uses the
// source tree's.

#include <string>

namespace ritme {

std::string installed_or(const char* subdirectory, const char* build_tree_default);

}  // namespace ritme
