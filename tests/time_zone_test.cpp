#include "engine/time/time_zone.hpp"

#include <boost/date_time/posix_time/conversion.hpp>
#include <doctest/doctest.h>

#include <algorithm>
#include <cstdlib>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <sstream>

#include <unistd.h>

using namespace ritme;
namespace pt = boost::posix_time;

namespace {

UtcInstant utc(int y, int mo, int d, int h, int mi) { return {pt::ptime(make_date(y, mo, d), pt::hours(h) + pt::minutes(mi))}; }
LocalDateTime local(int y, int mo, int d, int h, int mi) { return {make_date(y, mo, d), TimeOfDay::hm(h, mi)}; }
constexpr LocalTimePolicy strict{GapPolicy::reject, OverlapPolicy::reject};

// glibc reads the same TZif file, or evaluates the same TZ rule, through its own code:
// an independent opinion. TZ is set for the lifetime of the object.
class Glibc {
public:
    explicit Glibc(const std::string& zone_or_rule) {
        setenv("TZ", zone_or_rule.c_str(), 1);
        tzset();
    }
    ~Glibc() {
        unsetenv("TZ");
        tzset();
    }
    Glibc(const Glibc&) = delete;
    Glibc& operator=(const Glibc&) = delete;

    std::tm at(UtcInstant instant) const {
        const std::time_t t = pt::to_time_t(instant.utc);
        std::tm tm{};
        localtime_r(&t, &tm);
        return tm;
    }
    LocalDateTime local_at(UtcInstant instant) const {
        const std::tm tm = at(instant);
        return local(tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min);
    }
    bool agrees(const Observance& observance, UtcInstant instant) const {
        const std::tm tm = at(instant);
        return observance.utc_offset_seconds == tm.tm_gmtoff && observance.is_dst == (tm.tm_isdst > 0) &&
               observance.abbreviation == tm.tm_zone;
    }
};

// The zones the glibc comparison covers: negative DST (Dublin), a change at -1:00 (Nuuk),
// changes only the table has (Casablanca), 45-minute offsets (Chatham), abolished DST
// (Sao Paulo, Tehran), the southern hemisphere, no DST, and a 30-minute DST (Lord Howe).
const char* const compared_zones[] = {"Europe/Dublin",     "America/Nuuk",     "Africa/Casablanca", "Pacific/Chatham",
                                      "America/Sao_Paulo", "Asia/Tehran",      "Europe/Amsterdam",  "America/New_York",
                                      "Australia/Sydney",  "Asia/Kolkata",     "Australia/Lord_Howe"};

// Writes a zone file into a directory of its own and points TZDIR at it while alive.
class ScratchZoneDirectory {
public:
    ScratchZoneDirectory() : path_(std::filesystem::temp_directory_path() / ("ritme-tz-" + std::to_string(getpid()))) {
        std::filesystem::create_directories(path_);
        setenv("TZDIR", path_.c_str(), 1);
    }
    ~ScratchZoneDirectory() {
        unsetenv("TZDIR");
        std::filesystem::remove_all(path_);
    }
    ScratchZoneDirectory(const ScratchZoneDirectory&) = delete;
    ScratchZoneDirectory& operator=(const ScratchZoneDirectory&) = delete;

    void write(const std::string& name, const std::string& bytes) const {
        std::ofstream(path_ / name, std::ios::binary) << bytes;
    }

private:
    std::filesystem::path path_;
};

std::string system_zone_file(const std::string& name) {
    std::ifstream in("/usr/share/zoneinfo/" + name, std::ios::binary);
    std::ostringstream content;
    content << in.rdbuf();
    return content.str();
}

}  // namespace

TEST_SUITE_BEGIN("time_zone");

// ---- the POSIX TZ rule of the footer ------------------------------------------------------

TEST_CASE("a POSIX TZ rule counts offsets west of UTC, ritme east") {
    const PosixTzRule amsterdam = PosixTzRule::parse("CET-1CEST,M3.5.0,M10.5.0/3");
    CHECK(amsterdam.standard() == Observance{3600, false, "CET"});
    REQUIRE(amsterdam.daylight().has_value());
    CHECK(*amsterdam.daylight() == Observance{7200, true, "CEST"});
    const auto changes = amsterdam.changes_in(2026);
    REQUIRE(changes.size() == 2);
    CHECK(changes[0].at == utc(2026, 3, 29, 1, 0));
    CHECK(changes[0].to_daylight);
    CHECK(changes[1].at == utc(2026, 10, 25, 1, 0));
    CHECK_FALSE(changes[1].to_daylight);

    const PosixTzRule new_york = PosixTzRule::parse("EST5EDT,M3.2.0,M11.1.0");
    CHECK(new_york.standard().utc_offset_seconds == -5 * 3600);
    CHECK(new_york.daylight()->utc_offset_seconds == -4 * 3600);
    CHECK(new_york.changes_in(2026)[0].at == utc(2026, 3, 8, 7, 0));

    const PosixTzRule tehran = PosixTzRule::parse("<+0330>-3:30");
    CHECK(tehran.standard() == Observance{12600, false, "+0330"});
    CHECK_FALSE(tehran.daylight().has_value());
    CHECK(tehran.changes_in(2026).empty());
}

TEST_CASE("a POSIX TZ rule may change at negative times and at times past 24:00") {
    // Nuuk: DST starts at -1:00, i.e. 23:00 on the Saturday before the last Sunday of March.
    const PosixTzRule nuuk = PosixTzRule::parse("<-02>2<-01>,M3.5.0/-1,M10.5.0/0");
    CHECK(nuuk.changes_in(2026)[0].at == utc(2026, 3, 29, 1, 0));
    CHECK(nuuk.changes_in(2026)[1].at == utc(2026, 10, 25, 1, 0));
    // Gaza: 50:00 after the fourth Thursday is the Saturday at 02:00.
    const PosixTzRule gaza = PosixTzRule::parse("EET-2EEST,M3.4.4/50,M10.4.4/50");
    CHECK(gaza.changes_in(2026)[0].at == utc(2026, 3, 28, 0, 0));
    CHECK(gaza.changes_in(2026)[1].at == utc(2026, 10, 23, 23, 0));
    const PosixTzRule odd = PosixTzRule::parse("AAA3BBB,M3.2.0/-2:30,M11.1.0/+167");
    CHECK(odd.changes_in(2026)[0].at == utc(2026, 3, 8, 0, 30));  // Saturday 21:30 at -03
    CHECK(odd.changes_in(2026)[1].at == utc(2026, 11, 8, 1, 0));  // Sunday 1 November + 167 h at -02
}

TEST_CASE("a POSIX TZ rule with negative DST (Dublin) has its daylight part in winter") {
    const PosixTzRule dublin = PosixTzRule::parse("IST-1GMT0,M10.5.0,M3.5.0/1");
    CHECK(dublin.standard() == Observance{3600, false, "IST"});
    CHECK(*dublin.daylight() == Observance{0, true, "GMT"});
    CHECK(dublin.observance_at(utc(2026, 1, 15, 12, 0)).abbreviation == "GMT");
    CHECK(dublin.observance_at(utc(2026, 7, 15, 12, 0)).abbreviation == "IST");
    const auto changes = dublin.changes_in(2026);
    CHECK(changes[0].at == utc(2026, 3, 29, 1, 0));  // winter "DST" ends first in the year
    CHECK_FALSE(changes[0].to_daylight);
    CHECK(changes[1].at == utc(2026, 10, 25, 1, 0));
}

TEST_CASE("the Jn and n date forms differ only in leap years") {
    using Form = PosixTzRule::ChangeDate::Form;
    PosixTzRule::ChangeDate julian;
    julian.form = Form::julian_no_leap_day;
    julian.day = 60;
    CHECK(julian.date_in(2024) == make_date(2024, 3, 1));
    CHECK(julian.date_in(2025) == make_date(2025, 3, 1));
    julian.day = 365;
    CHECK(julian.date_in(2024) == make_date(2024, 12, 31));
    PosixTzRule::ChangeDate zero_based;
    zero_based.form = Form::zero_based_day;
    zero_based.day = 59;
    CHECK(zero_based.date_in(2024) == make_date(2024, 2, 29));
    CHECK(zero_based.date_in(2025) == make_date(2025, 3, 1));
}

TEST_CASE("a POSIX TZ rule that starts DST on New Year and ends it a year later keeps DST all year") {
    const PosixTzRule always = PosixTzRule::parse("EST5EDT,0/0,J365/25");
    for (UtcInstant t = utc(2025, 12, 31, 0, 0); t < utc(2026, 1, 2, 0, 0); t.utc += pt::minutes(30))
        CHECK(always.observance_at(t).abbreviation == "EDT");
}

TEST_CASE("POSIX TZ rules agree with glibc's reading of the same strings") {
    for (const char* text : {"CET-1CEST,M3.5.0,M10.5.0/3", "IST-1GMT0,M10.5.0,M3.5.0/1", "<-02>2<-01>,M3.5.0/-1,M10.5.0/0",
                             "EET-2EEST,M3.4.4/50,M10.4.4/50", "IST-2IDT,M3.4.4/26,M10.5.0",
                             "<-04>4<-03>,M9.1.6/24,M4.1.6/24", "<+1245>-12:45<+1345>,M9.5.0/2:45,M4.1.0/3:45",
                             "<+1030>-10:30<+11>-11,M10.1.0,M4.1.0", "AAA3BBB,J60/-2:30,300/+100"}) {
        CAPTURE(text);
        const PosixTzRule rule = PosixTzRule::parse(text);
        const Glibc glibc(text);
        int mismatches = 0;
        auto compare = [&](UtcInstant t) {
            if (!glibc.agrees(rule.observance_at(t), t) && ++mismatches <= 3) FAIL_CHECK("differs at " << t.iso());
        };
        for (int year = 2024; year <= 2027; ++year) {
            for (const PosixTzRule::Change& change : rule.changes_in(year)) {
                compare(UtcInstant{change.at.utc - pt::seconds(1)});
                compare(change.at);
            }
        }
        for (UtcInstant t = utc(2024, 1, 1, 0, 0); t < utc(2028, 1, 1, 0, 0); t.utc += pt::hours(3)) compare(t);
        CHECK(mismatches == 0);
    }
}

TEST_CASE("a TZ rule that cannot be read says where") {
    CHECK_THROWS_WITH_AS(PosixTzRule::parse("CET-1CEST"), doctest::Contains("expected ',' and the dates"), TimeZoneError);
    CHECK_THROWS_WITH_AS(PosixTzRule::parse("CET"), doctest::Contains("expected hours from 0 to 24 at character 4"),
                         TimeZoneError);
    CHECK_THROWS_WITH_AS(PosixTzRule::parse("CET-1CEST,M13.5.0,M10.5.0"),
                         doctest::Contains("expected a month from 1 to 12"), TimeZoneError);
    CHECK_THROWS_WITH_AS(PosixTzRule::parse("<+03-3"), doctest::Contains("'>'"), TimeZoneError);
    CHECK_THROWS_WITH_AS(PosixTzRule::parse("CET-1CEST,M3.5.0,M10.5.0/168"), doctest::Contains("from 0 to 167"),
                         TimeZoneError);
    CHECK_THROWS_AS(PosixTzRule::parse("CET-1CEST,M3.5.0,M10.5.0 "), TimeZoneError);
}

// ---- zones ------------------------------------------------------------------------------

TEST_CASE("19:00 in January in Amsterdam is 18:00 UTC, and 19:00 in July is 17:00 UTC") {
    const TimeZone zone = TimeZone::load("Europe/Amsterdam");
    CHECK(zone.to_utc(local(2026, 1, 15, 19, 0), {}).instant == utc(2026, 1, 15, 18, 0));
    CHECK(zone.to_utc(local(2026, 7, 15, 19, 0), {}).instant == utc(2026, 7, 15, 17, 0));
}

TEST_CASE("changes only the table knows are honoured") {
    // Morocco's clocks go back an hour in Ramadan; its footer knows only +01.
    const TimeZone casablanca = TimeZone::load("Africa/Casablanca");
    CHECK(casablanca.to_utc(local(2026, 3, 3, 9, 30), {}).instant == utc(2026, 3, 3, 9, 30));
    CHECK(casablanca.to_utc(local(2026, 4, 3, 9, 30), {}).instant == utc(2026, 4, 3, 8, 30));
    // Brazil abolished DST in 2019; its footer says -03 for ever, the table knows 2018.
    const TimeZone sao_paulo = TimeZone::load("America/Sao_Paulo");
    CHECK(sao_paulo.to_utc(local(2018, 12, 1, 12, 0), {}).instant == utc(2018, 12, 1, 14, 0));
    CHECK(sao_paulo.to_utc(local(2026, 12, 1, 12, 0), {}).instant == utc(2026, 12, 1, 15, 0));
}

TEST_CASE("a time the clocks skip in spring follows the gap policy") {
    const TimeZone zone = TimeZone::load("Europe/Amsterdam");
    const auto gap = local(2026, 3, 29, 2, 30);
    const UtcConversion rejected = zone.to_utc(gap, strict);
    CHECK(rejected.kind == LocalTimeKind::in_gap);
    CHECK_FALSE(rejected.instant.has_value());
    const UtcConversion shifted = zone.to_utc(gap, {GapPolicy::shift_forward, OverlapPolicy::reject});
    CHECK(shifted.kind == LocalTimeKind::in_gap);
    REQUIRE(shifted.instant.has_value());
    CHECK(*shifted.instant == utc(2026, 3, 29, 1, 30));  // 03:30 CEST
    CHECK(zone.to_local(*shifted.instant) == local(2026, 3, 29, 3, 30));
    // Either side of the gap is an ordinary time.
    CHECK(zone.to_utc(local(2026, 3, 29, 1, 59), {}).instant == utc(2026, 3, 29, 0, 59));
    CHECK(zone.to_utc(local(2026, 3, 29, 3, 0), {}).instant == utc(2026, 3, 29, 1, 0));
}

TEST_CASE("a time that happens twice in autumn follows the overlap policy") {
    const TimeZone zone = TimeZone::load("Europe/Amsterdam");
    const auto twice = local(2026, 10, 25, 2, 30);
    CHECK(zone.to_utc(twice, strict).kind == LocalTimeKind::ambiguous);
    CHECK_FALSE(zone.to_utc(twice, strict).instant.has_value());
    CHECK(zone.to_utc(twice, {GapPolicy::reject, OverlapPolicy::earlier}).instant == utc(2026, 10, 25, 0, 30));
    CHECK(zone.to_utc(twice, {GapPolicy::reject, OverlapPolicy::later}).instant == utc(2026, 10, 25, 1, 30));
}

TEST_CASE("gaps and overlaps of other zones: negative DST, a change at 23:00, 30 minutes") {
    const LocalTimePolicy forward{GapPolicy::shift_forward, OverlapPolicy::reject};
    const LocalTimePolicy earlier{GapPolicy::reject, OverlapPolicy::earlier};
    const LocalTimePolicy later{GapPolicy::reject, OverlapPolicy::later};
    const TimeZone dublin = TimeZone::load("Europe/Dublin");
    CHECK(dublin.to_utc(local(2026, 3, 29, 1, 30), strict).kind == LocalTimeKind::in_gap);
    CHECK(dublin.to_utc(local(2026, 3, 29, 1, 30), forward).instant == utc(2026, 3, 29, 1, 30));  // 02:30 IST
    CHECK(dublin.to_utc(local(2026, 10, 25, 1, 30), earlier).instant == utc(2026, 10, 25, 0, 30));
    CHECK(dublin.to_utc(local(2026, 10, 25, 1, 30), later).instant == utc(2026, 10, 25, 1, 30));

    const TimeZone nuuk = TimeZone::load("America/Nuuk");
    CHECK(nuuk.to_utc(local(2026, 3, 28, 23, 30), strict).kind == LocalTimeKind::in_gap);
    CHECK(nuuk.to_utc(local(2026, 3, 28, 23, 30), forward).instant == utc(2026, 3, 29, 1, 30));  // 00:30 -01
    CHECK(nuuk.to_utc(local(2026, 10, 24, 23, 30), earlier).instant == utc(2026, 10, 25, 0, 30));
    CHECK(nuuk.to_utc(local(2026, 10, 24, 23, 30), later).instant == utc(2026, 10, 25, 1, 30));

    const TimeZone lord_howe = TimeZone::load("Australia/Lord_Howe");
    CHECK(lord_howe.to_utc(local(2026, 10, 4, 2, 15), forward).instant == utc(2026, 10, 3, 15, 45));  // 02:45 +11
    CHECK(lord_howe.to_utc(local(2026, 10, 4, 2, 30), strict).instant == utc(2026, 10, 3, 15, 30));
    CHECK(lord_howe.to_utc(local(2026, 4, 5, 1, 45), earlier).instant == utc(2026, 4, 4, 14, 45));
    CHECK(lord_howe.to_utc(local(2026, 4, 5, 1, 45), later).instant == utc(2026, 4, 4, 15, 15));
}

// Every 15 minutes for the zones with negative DST, rules that change often, or changes off the
// hour; every hour for the rest, to keep the suite quick.
TEST_CASE("UTC to local agrees with glibc every 15 minutes (or hour) from 2024 through 2035") {
    for (const char* name : compared_zones) {
        CAPTURE(name);
        const TimeZone zone = TimeZone::load(name);
        const Glibc glibc(name);
        const std::string_view every_15_minutes[] = {"Europe/Dublin", "America/Nuuk", "Africa/Casablanca",
                                                     "Pacific/Chatham", "Australia/Lord_Howe"};
        const auto step = std::find(std::begin(every_15_minutes), std::end(every_15_minutes), name) ==
                                  std::end(every_15_minutes)
                              ? pt::minutes(60)
                              : pt::minutes(15);
        int mismatches = 0;
        for (UtcInstant t = utc(2024, 1, 1, 0, 0); t < utc(2036, 1, 1, 0, 0); t.utc += step) {
            if (!(zone.to_local(t) == glibc.local_at(t)) && ++mismatches <= 3) FAIL_CHECK("differs at " << t.iso());
        }
        CHECK(mismatches == 0);
    }
}

TEST_CASE("every zone of the system agrees with glibc around each change and monthly, 1970 to 2040 and in 2300") {
    int zones = 0;
    for (const auto& entry : std::filesystem::recursive_directory_iterator("/usr/share/zoneinfo")) {
        const std::string name = std::filesystem::relative(entry.path(), "/usr/share/zoneinfo").string();
        if (!entry.is_regular_file() || name.rfind("right/", 0) == 0 || name.rfind("posix/", 0) == 0 ||
            name.find('.') != std::string::npos || name == "leapseconds")
            continue;
        CAPTURE(name);
        const TimeZone zone = TimeZone::load(name);
        const Glibc glibc(name);
        int mismatches = 0;
        auto compare = [&](UtcInstant t) {
            if (!glibc.agrees(zone.observance_at(t), t) && ++mismatches <= 3) FAIL_CHECK("differs at " << t.iso());
        };
        for (const Transition& change : zone.transitions(utc(1970, 1, 1, 0, 0), utc(2040, 1, 1, 0, 0))) {
            compare(UtcInstant{change.at.utc - pt::seconds(1)});
            compare(change.at);
        }
        for (UtcInstant t = utc(1970, 1, 1, 12, 0); t < utc(2040, 1, 1, 0, 0); t.utc += pt::hours(24 * 30 + 1)) compare(t);
        for (UtcInstant t = utc(2300, 1, 1, 0, 0); t < utc(2301, 1, 1, 0, 0); t.utc += pt::hours(24 * 10 + 1)) compare(t);
        CHECK(mismatches == 0);
        ++zones;
    }
    CHECK(zones > 300);
}

TEST_CASE("every local time that was shown maps back to the instant it came from") {
    for (const char* name : compared_zones) {
        CAPTURE(name);
        const TimeZone zone = TimeZone::load(name);
        int mismatches = 0;
        for (UtcInstant t = utc(2024, 1, 1, 0, 0); t < utc(2036, 1, 1, 0, 0); t.utc += pt::minutes(15)) {
            const LocalDateTime wall = zone.to_local(t);
            const UtcConversion back = zone.to_utc(wall, strict);
            if (back.kind == LocalTimeKind::unique && back.instant == t) continue;
            const auto earlier = zone.to_utc(wall, {GapPolicy::reject, OverlapPolicy::earlier}).instant;
            const auto later = zone.to_utc(wall, {GapPolicy::reject, OverlapPolicy::later}).instant;
            const bool ok = back.kind == LocalTimeKind::ambiguous && earlier && later && *earlier < *later &&
                            (earlier == t || later == t);
            if (!ok && ++mismatches <= 3) FAIL_CHECK("no way back from " << wall.iso() << " at " << t.iso());
        }
        CHECK(mismatches == 0);
    }
}

TEST_CASE("each change of a zone makes a gap or an overlap of the size of the step") {
    for (const char* name : compared_zones) {
        CAPTURE(name);
        const TimeZone zone = TimeZone::load(name);
        for (const Transition& change : zone.transitions(utc(2024, 1, 1, 0, 0), utc(2036, 1, 1, 0, 0))) {
            CAPTURE(change.at.iso());
            const int before = change.before.utc_offset_seconds, after = change.after.utc_offset_seconds;
            if (before == after) continue;
            // A wall time in the middle of the step.
            const pt::ptime middle = change.at.utc + pt::seconds(std::min(before, after) + std::abs(after - before) / 2);
            const auto minutes = static_cast<int>(middle.time_of_day().total_seconds() / 60);
            const LocalDateTime wall{middle.date(), TimeOfDay::from_minutes(minutes)};
            if (after > before) {
                CHECK(zone.to_utc(wall, strict).kind == LocalTimeKind::in_gap);
                CHECK(zone.to_utc(wall, {GapPolicy::shift_forward, OverlapPolicy::reject}).instant ==
                      UtcInstant{middle - pt::seconds(before)});
            } else {
                CHECK(zone.to_utc(wall, strict).kind == LocalTimeKind::ambiguous);
                CHECK(zone.to_utc(wall, {GapPolicy::reject, OverlapPolicy::earlier}).instant ==
                      UtcInstant{middle - pt::seconds(before)});
                CHECK(zone.to_utc(wall, {GapPolicy::reject, OverlapPolicy::later}).instant ==
                      UtcInstant{middle - pt::seconds(after)});
            }
        }
    }
}

TEST_CASE("transitions list each change with the observances either side") {
    const TimeZone amsterdam = TimeZone::load("Europe/Amsterdam");
    const auto changes = amsterdam.transitions(utc(2026, 1, 1, 0, 0), utc(2027, 1, 1, 0, 0));
    REQUIRE(changes.size() == 2);
    CHECK(changes[0].at == utc(2026, 3, 29, 1, 0));
    CHECK(changes[0].before == Observance{3600, false, "CET"});
    CHECK(changes[0].after == Observance{7200, true, "CEST"});
    CHECK(changes[1].at == utc(2026, 10, 25, 1, 0));
    CHECK(changes[1].after == Observance{3600, false, "CET"});
    // Past the expanded table the footer rule is evaluated directly.
    const auto far = amsterdam.transitions(utc(2299, 12, 1, 0, 0), utc(2301, 1, 1, 0, 0));
    REQUIRE(far.size() == 2);
    CHECK(far[0].at == utc(2300, 3, 25, 1, 0));
    CHECK(amsterdam.to_utc(local(2300, 7, 1, 12, 0), {}).instant == utc(2300, 7, 1, 10, 0));

    const TimeZone kolkata = TimeZone::load("Asia/Kolkata");
    CHECK(kolkata.transitions(utc(2000, 1, 1, 0, 0), utc(2100, 1, 1, 0, 0)).empty());
    CHECK(kolkata.observance_at(utc(2026, 1, 1, 0, 0)) == Observance{19800, false, "IST"});
    CHECK(kolkata.utc_offset_minutes(utc(2026, 1, 1, 0, 0)) == 330);

    const TimeZone casablanca = TimeZone::load("Africa/Casablanca");
    const auto ramadan = casablanca.transitions(utc(2026, 1, 1, 0, 0), utc(2027, 1, 1, 0, 0));
    REQUIRE(ramadan.size() == 2);
    CHECK(ramadan[0].at == utc(2026, 2, 15, 2, 0));
    CHECK(ramadan[0].after.utc_offset_seconds == 0);
}

TEST_CASE("UTC is a zone without changes") {
    const TimeZone zone = TimeZone::utc();
    CHECK(zone.name() == "UTC");
    CHECK(zone.to_local(utc(2026, 3, 29, 1, 30)) == local(2026, 3, 29, 1, 30));
    CHECK(zone.to_utc(local(2026, 3, 29, 2, 30), strict).instant == utc(2026, 3, 29, 2, 30));
    CHECK(zone.transitions(utc(2000, 1, 1, 0, 0), utc(2100, 1, 1, 0, 0)).empty());
}

TEST_CASE("unknown and malformed zone names are clear errors") {
    CHECK_THROWS_WITH_AS(TimeZone::load("Europe/Amsterdan"), doctest::Contains("unknown time zone \"Europe/Amsterdan\""),
                         TimeZoneError);
    CHECK_THROWS_WITH_AS(TimeZone::load("Europe"), doctest::Contains("is a directory of zones, not a zone"),
                         TimeZoneError);
    CHECK_THROWS_WITH_AS(TimeZone::load("../etc/passwd"), doctest::Contains("is not a time zone name"), TimeZoneError);
    CHECK_THROWS_AS(TimeZone::load(""), TimeZoneError);
}

TEST_CASE("files that are not TZif, or that ritme cannot use, say why") {
    if (std::filesystem::exists("/usr/share/zoneinfo/right/Europe/Amsterdam"))  // tzdata-legacy on newer Debian
        CHECK_THROWS_WITH_AS(TimeZone::load("right/Europe/Amsterdam"), doctest::Contains("counts leap seconds"),
                             TimeZoneError);

    const std::string amsterdam = system_zone_file("Europe/Amsterdam");
    const ScratchZoneDirectory scratch;
    scratch.write("Text", "# a zone table\n");
    CHECK_THROWS_WITH_AS(TimeZone::load("Text"), doctest::Contains("is not a valid TZif file: it does not start with"),
                         TimeZoneError);
    scratch.write("Truncated", amsterdam.substr(0, 200));
    CHECK_THROWS_WITH_AS(TimeZone::load("Truncated"), doctest::Contains("is not a valid TZif file: it ends early"),
                         TimeZoneError);
    std::string version_1 = amsterdam;
    version_1[4] = '\0';
    scratch.write("Version1", version_1);
    CHECK_THROWS_WITH_AS(TimeZone::load("Version1"), doctest::Contains("ritme cannot use"), TimeZoneError);
    CHECK_THROWS_WITH_AS(TimeZone::load("Version1"), doctest::Contains("version 1"), TimeZoneError);
    const std::string footer = "\nCET-1CEST,M3.5.0,M10.5.0/3\n";
    REQUIRE(amsterdam.size() > footer.size());
    REQUIRE(amsterdam.compare(amsterdam.size() - footer.size(), footer.size(), footer) == 0);
    const std::string body = amsterdam.substr(0, amsterdam.size() - footer.size());
    scratch.write("NoRule", body + "\n\n");
    CHECK_THROWS_WITH_AS(TimeZone::load("NoRule"), doctest::Contains("no rule for instants after its last transition"),
                         TimeZoneError);
    scratch.write("BadRule", body + "\nCET-1CEST\n");
    CHECK_THROWS_WITH_AS(TimeZone::load("BadRule"),
                         doctest::Contains("time zone \"BadRule\": the TZ rule \"CET-1CEST\" cannot be read"),
                         TimeZoneError);
    scratch.write("Good", amsterdam);
    CHECK(TimeZone::load("Good").to_utc(local(2026, 7, 15, 19, 0), {}).instant == utc(2026, 7, 15, 17, 0));
}

TEST_SUITE_END();
