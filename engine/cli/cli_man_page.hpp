#pragma once
// ritme(1): the verbs' man page, written from the CLI11 app itself (each verb's
// description, arguments and options as `--help` shows them), so it lists every verb the
// binary has and nothing else.

#include <CLI/CLI.hpp>

#include <string>
#include <string_view>

namespace ritme {

// The page as roff source, for `ritme man ritme` and the package. Hidden verbs are left out.
std::string cli_man_page(const CLI::App& app, std::string_view version);

}  // namespace ritme
