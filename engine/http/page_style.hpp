#pragma once
// The one stylesheet of the lead's pages, served at /ritme.css: phone first (one column,
// large tap targets), wider screens get more room; visible focus; colours with contrast
// of at least 4.5:1 on their background (WCAG 2.1 AA); print hides what paper cannot use.
// Its address carries ritme's version, so browsers may keep it long and a new version's
// pages ask for the new one.

#include "engine/http/http_server.hpp"

#include <string>
#include <string_view>

namespace ritme {

inline constexpr std::string_view stylesheet_path = "/ritme.css";

// "/ritme.css?v=VERSION", as pages link it.
std::string stylesheet_href();
// GET /ritme.css: the stylesheet, cacheable for a year.
HttpAnswer stylesheet_answer();

}  // namespace ritme
