#pragma once
// Text for man pages: roff source, with the characters roff would read as requests or
// escapes made literal, so help text declared in the code can go into a page as it is.

#include <string>
#include <string_view>

namespace ritme {

// `text` as running roff text: backslashes and hyphens escaped, a line that would start
// with a request character (. or ') guarded, every character beyond ASCII as \[uXXXX].
std::string roff_text(std::string_view text);

// A man page section heading (.SH) or subsection (.SS) line, ending in a new line.
std::string roff_heading(std::string_view text);
std::string roff_subheading(std::string_view text);

}  // namespace ritme
