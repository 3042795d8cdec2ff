#pragma once
// Small text helpers shared by the loaders, the checks and the reports.

#include <string>
#include <string_view>

namespace ritme {

std::string_view trim(std::string_view text);  // without leading and trailing white space
std::string lower(std::string_view text);      // ASCII lower case

// "1 session", "3 sessions"
std::string counted(int n, std::string_view one, std::string_view many);

// "1,020"
std::string thousands(int n);

}  // namespace ritme
