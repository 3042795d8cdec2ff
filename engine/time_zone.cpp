#include "engine/time_zone.hpp"

#include <cctype>
#include <cstdlib>
#include <fstream>
#include <sstream>

namespace ritme {
namespace pt = boost::posix_time;

namespace {

constexpr int last_tabulated_year = 2199;

std::string zoneinfo_directory() {
    const char* tzdir = std::getenv("TZDIR");
    return tzdir && *tzdir ? tzdir : "/usr/share/zoneinfo";
}

bool plausible_zone_name(std::string_view name) {
    if (name.empty() || name.front() == '/' || name.find("..") != std::string_view::npos) return false;
    for (char c : name)
        if (!std::isalnum(static_cast<unsigned char>(c)) && c != '/' && c != '_' && c != '-' && c != '+')
            return false;
    return true;
}

// The POSIX TZ string stored after the last newline but one of a TZif v2+ file.
std::string read_footer(const std::string& path, std::string_view name) {
    std::ifstream in(path, std::ios::binary);
    if (!in) throw TimeZoneError("unknown time zone \"" + std::string(name) + "\": " + path + " does not exist");
    std::ostringstream content;
    content << in.rdbuf();
    const std::string data = content.str();
    if (data.size() < 44 || data.compare(0, 4, "TZif") != 0)
        throw TimeZoneError("time zone \"" + std::string(name) + "\": " + path + " is not a TZif file");
    if (data[4] < '2')
        throw TimeZoneError("time zone \"" + std::string(name) + "\": " + path +
                            " is a version 1 TZif file without a rule footer");
    if (data.back() != '\n')
        throw TimeZoneError("time zone \"" + std::string(name) + "\": " + path + " has no rule footer");
    size_t start = data.rfind('\n', data.size() - 2);
    if (start == std::string::npos)
        throw TimeZoneError("time zone \"" + std::string(name) + "\": " + path + " has no rule footer");
    std::string footer = data.substr(start + 1, data.size() - start - 2);
    if (footer.empty())
        throw TimeZoneError("time zone \"" + std::string(name) + "\" has no rule for future dates");
    return footer;
}

// Reads an abbreviation: letters, or anything between '<' and '>'.
std::string read_abbreviation(std::string_view s, size_t& pos) {
    size_t begin = pos;
    if (pos < s.size() && s[pos] == '<') {
        size_t close = s.find('>', pos);
        if (close == std::string_view::npos) throw TimeZoneError("unterminated <…> in TZ rule");
        pos = close + 1;
        return std::string(s.substr(begin + 1, close - begin - 1));
    }
    while (pos < s.size() && std::isalpha(static_cast<unsigned char>(s[pos]))) ++pos;
    return std::string(s.substr(begin, pos - begin));
}

// Reads a POSIX offset "[+-]hh[:mm[:ss]]", returning minutes west of UTC.
int read_posix_offset(std::string_view s, size_t& pos) {
    int sign = 1;
    if (pos < s.size() && (s[pos] == '+' || s[pos] == '-')) sign = s[pos++] == '-' ? -1 : 1;
    int fields[3] = {0, 0, 0};
    for (int i = 0; i < 3; ++i) {
        size_t begin = pos;
        while (pos < s.size() && std::isdigit(static_cast<unsigned char>(s[pos])))
            fields[i] = fields[i] * 10 + (s[pos++] - '0');
        if (pos == begin) throw TimeZoneError("bad offset in TZ rule");
        if (pos >= s.size() || s[pos] != ':') break;
        ++pos;
    }
    return sign * (fields[0] * 60 + fields[1]);
}

std::string boost_offset(int minutes_east) {
    char buffer[16];
    int magnitude = minutes_east < 0 ? -minutes_east : minutes_east;
    std::snprintf(buffer, sizeof buffer, "%c%02d:%02d", minutes_east < 0 ? '-' : '+', magnitude / 60,
                  magnitude % 60);
    return buffer;
}

}  // namespace

std::string boost_rule_from_tz_footer(std::string_view footer, TimeZone::Rule& rule) {
    size_t pos = 0;
    rule.standard_abbreviation = read_abbreviation(footer, pos);
    rule.standard_offset_minutes = -read_posix_offset(footer, pos);
    std::string out = "STD" + boost_offset(rule.standard_offset_minutes);
    if (pos == footer.size()) {
        rule.dst_abbreviation.clear();
        rule.dst_offset_minutes = rule.standard_offset_minutes;
        return out;
    }
    rule.dst_abbreviation = read_abbreviation(footer, pos);
    rule.dst_offset_minutes = rule.standard_offset_minutes + 60;
    out += "DST";
    if (pos < footer.size() && footer[pos] != ',') {
        rule.dst_offset_minutes = -read_posix_offset(footer, pos);
        out += boost_offset(rule.dst_offset_minutes);
    }
    if (rule.dst_offset_minutes <= rule.standard_offset_minutes)
        throw TimeZoneError("TZ rule \"" + std::string(footer) + "\" has negative daylight saving time");
    out += footer.substr(pos);
    return out;
}

TimeZone::TimeZone(std::string name, const std::string& boost_rule, Rule rule)
    : name_(std::move(name)), zone_(boost_rule), rule_(std::move(rule)) {
    if (zone_.has_dst()) {
        years_.reserve(last_tabulated_year - first_tabulated_year + 1);
        for (int year = first_tabulated_year; year <= last_tabulated_year; ++year)
            years_.push_back(transitions_for(year));
    }
}

TimeZone TimeZone::load(std::string_view iana_name) {
    if (!plausible_zone_name(iana_name))
        throw TimeZoneError("\"" + std::string(iana_name) + "\" is not a time zone name like Europe/Amsterdam");
    const std::string path = zoneinfo_directory() + "/" + std::string(iana_name);
    std::string footer = read_footer(path, iana_name);
    Rule rule;
    std::string boost_rule;
    try {
        boost_rule = boost_rule_from_tz_footer(footer, rule);
        return TimeZone(std::string(iana_name), boost_rule, rule);
    } catch (const TimeZoneError&) {
        throw;
    } catch (const std::exception& e) {
        throw TimeZoneError("time zone \"" + std::string(iana_name) + "\": its rule \"" + footer +
                            "\" cannot be read (" + e.what() + ")");
    }
}

TimeZone TimeZone::utc() {
    Rule rule{"UTC", "", 0, 0};
    return TimeZone("UTC", "UTC+0", rule);
}

pt::ptime TimeZone::dst_start_local(int year) const { return zone_.dst_local_start_time(year); }
pt::ptime TimeZone::dst_end_local(int year) const { return zone_.dst_local_end_time(year); }

TimeZone::YearTransitions TimeZone::transitions_for(int year) const {
    const auto standard = pt::minutes(rule_.standard_offset_minutes);
    const auto dst = pt::minutes(rule_.dst_offset_minutes);
    // Boost gives the start in standard wall time and the end in DST wall time.
    return {zone_.dst_local_start_time(year) - standard, zone_.dst_local_end_time(year) - dst};
}

bool TimeZone::is_dst_at(pt::ptime utc) const {
    if (!zone_.has_dst()) return false;
    const int year = utc.date().year();
    const YearTransitions t = (year >= first_tabulated_year && year <= last_tabulated_year)
                                  ? years_[year - first_tabulated_year]
                                  : transitions_for(year);
    if (t.dst_start_utc < t.dst_end_utc) return t.dst_start_utc <= utc && utc < t.dst_end_utc;
    return !(t.dst_end_utc <= utc && utc < t.dst_start_utc);  // southern hemisphere
}

UtcConversion TimeZone::to_utc(LocalDateTime local, LocalTimePolicy policy) const {
    const pt::ptime wall(local.date, pt::minutes(local.time.minutes()));
    const pt::ptime as_standard = wall - pt::minutes(rule_.standard_offset_minutes);
    if (!zone_.has_dst()) return {LocalTimeKind::unique, UtcInstant{as_standard}};
    const pt::ptime as_dst = wall - pt::minutes(rule_.dst_offset_minutes);
    // Each reading of the wall time is right if the zone is in that state at its instant.
    const bool standard_fits = !is_dst_at(as_standard);
    const bool dst_fits = is_dst_at(as_dst);
    if (standard_fits && !dst_fits) return {LocalTimeKind::unique, UtcInstant{as_standard}};
    if (dst_fits && !standard_fits) return {LocalTimeKind::unique, UtcInstant{as_dst}};
    if (!standard_fits) {  // in the gap: the clocks skip this time
        if (policy.gap == GapPolicy::shift_forward) return {LocalTimeKind::in_gap, UtcInstant{as_standard}};
        return {LocalTimeKind::in_gap, std::nullopt};
    }
    switch (policy.overlap) {
        case OverlapPolicy::earlier: return {LocalTimeKind::ambiguous, UtcInstant{as_dst}};
        case OverlapPolicy::later: return {LocalTimeKind::ambiguous, UtcInstant{as_standard}};
        case OverlapPolicy::reject: break;
    }
    return {LocalTimeKind::ambiguous, std::nullopt};
}

int TimeZone::utc_offset_minutes(UtcInstant instant) const {
    return is_dst_at(instant.utc) ? rule_.dst_offset_minutes : rule_.standard_offset_minutes;
}

LocalDateTime TimeZone::to_local(UtcInstant instant) const {
    const pt::ptime wall = instant.utc + pt::minutes(utc_offset_minutes(instant));
    return {wall.date(), TimeOfDay::from_minutes(static_cast<int>(wall.time_of_day().total_seconds() / 60))};
}

}  // namespace ritme
