#pragma once
// Every input file ritme reads is read here, up to a size limit for its kind: a file
// far larger than any real one (a 4 MB line in a programme file, a 20 MB .ics) is one
// clear error, not minutes of parsing. The limits are listed in README ("Input limits");
// each leaves a wide margin over the largest real file of its kind.

#include "engine/base/diagnostic.hpp"

#include <cstddef>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>

namespace ritme {

struct InputLimit {
    std::string_view kind;  // "programme": "… (the limit for programme files)"
    std::size_t bytes;
};

namespace input_limits {
inline constexpr std::size_t kib = 1024;
inline constexpr std::size_t mib = 1024 * kib;
inline constexpr InputLimit programme{"programme and school", 1 * mib};
inline constexpr InputLimit daemon_config{"daemon config", 1 * mib};
inline constexpr InputLimit holidays{"school-holiday", 1 * mib};
inline constexpr InputLimit ics{".ics calendar", 16 * mib};
inline constexpr InputLimit participant_csv{"participant CSV", 16 * mib};
inline constexpr InputLimit template_file{"message template", 64 * kib};
inline constexpr InputLimit provider_preset{"provider preset", 256 * kib};
inline constexpr InputLimit secret{"secret", 64 * kib};
inline constexpr InputLimit time_zone{"time zone (TZif)", 1 * mib};
}  // namespace input_limits

enum class InputProblem {
    none,
    cannot_open,  // see `reason`
    directory,
    too_large,
    cannot_read,  // opened, but reading failed: see `reason`
};

struct InputText {
    InputProblem problem = InputProblem::none;
    std::string text;    // the whole file, when there is no problem
    std::string reason;  // the system's words for cannot_open and cannot_read

    bool ok() const { return problem == InputProblem::none; }
};

// The whole file, or why not. Larger than the limit is refused without reading it
// all; a pipe or device is read up to the limit and refused past it.
InputText read_input_file(const std::filesystem::path& file, const InputLimit& limit);

// "larger than 1 MiB (the limit for programme and school files)"
std::string too_large_message(const InputLimit& limit);
// How to go on: is this the right file?
std::string too_large_hint(const InputLimit& limit);

// The file's text, or nothing with the problem in `diagnostics` at the file:
// "FILE: error: larger than 1 MiB (the limit for … files); hint".
std::optional<std::string> read_input_file(const std::filesystem::path& file, const InputLimit& limit,
                                           Diagnostics& diagnostics);

}  // namespace ritme
