#pragma once
// Internal to engine/time: a zone's TZif file (RFC 8536) from the system tz database,
// found and read into the parts time_zone.cpp builds a TimeZone from.

#include "engine/time/time_zone.hpp"

#include <cstdint>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace ritme {

// The parts of a TZif file ritme uses: the 64-bit data block and the footer.
struct TzifContents {
    std::vector<int64_t> times;     // transitions, UTC seconds, ascending
    std::vector<int> type_of;       // per transition: index into types
    std::vector<Observance> types;  // the first is in effect before the first transition
    std::string footer;             // the POSIX TZ string
};

// The file is not TZif at all, or is damaged.
struct NotTzif : std::runtime_error {
    using std::runtime_error::runtime_error;
};
// A valid TZif file with something ritme does not handle.
struct UnsupportedTzif : std::runtime_error {
    using std::runtime_error::runtime_error;
};

// The 64-bit data block and the footer of a version 2 or later file. Throws NotTzif
// or UnsupportedTzif.
TzifContents read_tzif(std::string_view data);

// $TZDIR, else /usr/share/zoneinfo.
std::string zoneinfo_directory();

// Letters, digits and "/_-+", not absolute and without "..": a name, never a path.
bool plausible_zone_name(std::string_view name);

// The bytes of the zone file at `path`; throws TimeZoneError naming the zone `name`
// when there is no such file.
std::string read_zone_file(const std::string& path, const std::string& name);

}  // namespace ritme
