// Every input file has a size limit (README, "Input limits"): a file one byte over it is
// refused with a message that names the limit, and a file exactly at it is read. The
// files are made here, padded with what each format ignores (comments, blank lines).

#include "adapters/http/provider_preset.hpp"
#include "adapters/secret.hpp"
#include "engine/base/input_file.hpp"
#include "engine/changes/apply_files.hpp"
#include "engine/config/config_reader.hpp"
#include "engine/holidays/ics_closures.hpp"
#include "engine/holidays/school_holidays.hpp"
#include "engine/message/message_renderer.hpp"
#include "engine/participants/participant_csv.hpp"
#include "engine/programme/programme_loader.hpp"
#include "test_support.hpp"

#include <doctest/doctest.h>

#include <sys/stat.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <iterator>

using namespace ritme;
namespace fs = std::filesystem;

namespace {

// A fresh directory for one test, removed after it.
struct Scratch {
    fs::path path;
    explicit Scratch(const std::string& name) : path(fs::temp_directory_path() / ("ritme-limits-" + name)) {
        fs::remove_all(path);
        fs::create_directories(path);
    }
    ~Scratch() {
        std::error_code ignored;
        fs::remove_all(path, ignored);
    }
};

std::string read_whole(const fs::path& file) {
    std::ifstream in(file, std::ios::binary);
    return std::string(std::istreambuf_iterator<char>(in), {});
}

// `text` followed by lines `line_start` + filler + `line_end` up to exactly `size` bytes.
std::string padded(std::string text, size_t size, const std::string& line_start, const std::string& line_end = "\n") {
    REQUIRE(text.size() + line_start.size() + line_end.size() <= size);
    if (!text.empty() && text.back() != '\n') text += line_end;
    while (text.size() < size) {
        const size_t room = size - text.size();
        const size_t overhead = line_start.size() + line_end.size();
        if (room <= overhead + 1) {
            text.append(room, '\n');  // the last bytes: blank lines
            break;
        }
        const size_t filler = std::min<size_t>(room - overhead, 100);
        text += line_start + std::string(filler, 'x') + line_end;
    }
    REQUIRE(text.size() == size);
    return text;
}

fs::path write(const fs::path& file, const std::string& content) {
    fs::create_directories(file.parent_path());
    std::ofstream(file, std::ios::binary) << content;
    return file;
}

bool mentions(const Diagnostics& diagnostics, const std::string& text) {
    for (const auto& d : diagnostics.items())
        if (d.str().find(text) != std::string::npos) return true;
    return false;
}

std::string all_of(const Diagnostics& diagnostics) {
    std::string text;
    for (const auto& d : diagnostics.items()) text += d.str() + "\n";
    return text;
}

}  // namespace

TEST_SUITE_BEGIN("input_limits");

TEST_CASE("the reader takes a file at the limit and refuses one byte more, a directory, and a missing file") {
    const Scratch scratch("reader");
    const InputLimit limit{"test", 1000};
    const fs::path at = write(scratch.path / "at.txt", std::string(1000, 'a'));
    const InputText read = read_input_file(at, limit);
    CHECK(read.ok());
    CHECK(read.text == std::string(1000, 'a'));
    CHECK(read_input_file(write(scratch.path / "over.txt", std::string(1001, 'a')), limit).problem ==
          InputProblem::too_large);
    CHECK(read_input_file(write(scratch.path / "empty.txt", ""), limit).ok());
    CHECK(read_input_file(scratch.path, limit).problem == InputProblem::directory);
    const InputText missing = read_input_file(scratch.path / "missing.txt", limit);
    CHECK(missing.problem == InputProblem::cannot_open);
    CHECK(missing.reason == "No such file or directory");

    Diagnostics diagnostics;
    CHECK_FALSE(read_input_file(scratch.path / "over.txt", limit, diagnostics));
    CHECK(all_of(diagnostics) == (scratch.path / "over.txt").string() +
                                     ": error: larger than 1000 bytes (the limit for test files); no real test file "
                                     "comes near that: check that this is the right file (ritme's README lists the "
                                     "limits under \"Input limits\")\n");
    CHECK(too_large_message(input_limits::programme) == "larger than 1 MiB (the limit for programme and school files)");
    CHECK(too_large_message(input_limits::template_file) == "larger than 64 KiB (the limit for message template files)");
}

TEST_CASE("a file without a size (a pipe, a /proc file) is read up to the limit and refused past it") {
    // /proc files say they are empty; the reader reads what comes.
    const InputText status = read_input_file("/proc/self/status", InputLimit{"test", 1 << 20});
    REQUIRE(status.ok());
    CHECK(status.text.starts_with("Name:"));
    CHECK(read_input_file("/proc/self/status", InputLimit{"test", 10}).problem == InputProblem::too_large);
}

TEST_CASE("programme files: 1 MiB, by `check`, `calendar` and the daemon's programmes directory") {
    const Scratch scratch("programme");
    const std::string programme = read_whole(test::source_path("config/programmes/almere-vrouwen-2026.toml"));
    const fs::path at = write(scratch.path / "at" / "almere.toml", padded(programme, input_limits::programme.bytes, "# "));
    const fs::path over =
        write(scratch.path / "over" / "almere.toml", padded(programme, input_limits::programme.bytes + 1, "# "));

    const ProgrammeLoad loaded = load_programme_file(at.string());
    INFO(all_of(loaded.diagnostics));
    CHECK(loaded.status == LoadStatus::ok);
    const ProgrammeLoad refused = load_programme_file(over.string());
    CHECK(refused.status == LoadStatus::unreadable);
    CHECK(mentions(refused.diagnostics,
                   over.string() + ": error: larger than 1 MiB (the limit for programme and school files)"));

    const UtcInstant now{boost::posix_time::ptime(make_date(2026, 1, 5), boost::posix_time::hours(9))};
    const LoadedDefinitions from_directory =
        load_definitions(toml_files_in(at.parent_path()), test::shipped_school_holidays(), now);
    INFO(all_of(from_directory.problems));
    CHECK_FALSE(from_directory.has_errors());
    const LoadedDefinitions refused_from_directory =
        load_definitions(toml_files_in(over.parent_path()), test::shipped_school_holidays(), now);
    CHECK(refused_from_directory.unreadable);
    CHECK(mentions(refused_from_directory.problems,
                   over.string() + ": error: larger than 1 MiB (the limit for programme and school files)"));
}

TEST_CASE("school files in the daemon's directories: 1 MiB") {
    const Scratch scratch("school");
    const std::string school = read_whole(test::source_path("config/schools/de-regenboog.toml"));
    const fs::path over = write(scratch.path / "de-regenboog.toml", padded(school, input_limits::programme.bytes + 1, "# "));
    const UtcInstant now{boost::posix_time::ptime(make_date(2026, 1, 5), boost::posix_time::hours(9))};
    const LoadedDefinitions refused = load_definitions({over.string()}, test::shipped_school_holidays(), now);
    CHECK(mentions(refused.problems, over.string() + ": error: larger than 1 MiB"));
}

TEST_CASE("the daemon config: 1 MiB") {
    const Scratch scratch("config");
    ChannelRegistry registry;
    const std::string config = "database = \"ritme.db\"\ntimezone = \"Europe/Amsterdam\"\n";
    Diagnostics at_limit;
    CHECK(load_daemon_config(write(scratch.path / "at.toml", padded(config, input_limits::daemon_config.bytes, "# ")),
                             registry, at_limit));
    INFO(all_of(at_limit));
    CHECK_FALSE(at_limit.has_errors());
    Diagnostics over_limit;
    const fs::path over = write(scratch.path / "over.toml", padded(config, input_limits::daemon_config.bytes + 1, "# "));
    CHECK_FALSE(load_daemon_config(over, registry, over_limit));
    CHECK(mentions(over_limit, over.string() + ": error: larger than 1 MiB (the limit for daemon config files)"));
}

TEST_CASE("school-holiday files: 1 MiB") {
    const Scratch scratch("holidays");
    const std::string holidays = read_whole(test::source_path("config/holidays/2025-2026.toml"));
    write(scratch.path / "at" / "2025-2026.toml", padded(holidays, input_limits::holidays.bytes, "# "));
    Diagnostics at_limit;
    const SchoolHolidayTable table = SchoolHolidayTable::load_directory((scratch.path / "at").string(), at_limit);
    INFO(all_of(at_limit));
    CHECK_FALSE(at_limit.has_errors());
    CHECK_FALSE(table.holidays().empty());

    const fs::path over = write(scratch.path / "over" / "2025-2026.toml", padded(holidays, input_limits::holidays.bytes + 1, "# "));
    Diagnostics over_limit;
    SchoolHolidayTable::load_directory((scratch.path / "over").string(), over_limit);
    CHECK(mentions(over_limit, over.string() + ": error: larger than 1 MiB (the limit for school-holiday files)"));
}

TEST_CASE(".ics calendars of closed days: 16 MiB") {
    const Scratch scratch("ics");
    const std::string ics = read_whole(test::source_path("config/schools/studiedagen-de-regenboog.ics"));
    const std::string events = ics.substr(0, ics.find("END:VCALENDAR"));
    // An agenda program's own properties, which ritme ignores, fill the file.
    const auto calendar_of_size = [&](size_t size) {
        std::string text = padded(events, size - std::string("END:VCALENDAR\r\n").size(), "X-PAD:", "\r\n");
        return text + "END:VCALENDAR\r\n";
    };
    const Date from = make_date(2026, 8, 1), to = make_date(2027, 7, 31);
    const IcsClosures at_limit =
        read_ics_closures(write(scratch.path / "at.ics", calendar_of_size(input_limits::ics.bytes)).string(), from, to);
    CHECK(at_limit.errors.empty());
    CHECK(at_limit.periods.size() == 2);
    const IcsClosures over_limit =
        read_ics_closures(write(scratch.path / "over.ics", calendar_of_size(input_limits::ics.bytes + 1)).string(), from, to);
    REQUIRE(over_limit.errors.size() == 1);
    CHECK(over_limit.errors[0] == "larger than 16 MiB (the limit for .ics calendar files)");
    CHECK(over_limit.periods.empty());
}

TEST_CASE("participant CSV files: 16 MiB") {
    const Scratch scratch("csv");
    const std::string csv = "name,phone\nAylin Yilmaz,+31 6 12345678\n";
    const ParticipantCsv at_limit = read_participant_csv_file(
        write(scratch.path / "at.csv", csv + std::string(input_limits::participant_csv.bytes - csv.size(), '\n')).string(),
        {});
    INFO(all_of(at_limit.diagnostics));
    CHECK_FALSE(at_limit.diagnostics.has_errors());
    CHECK(at_limit.participants.size() == 1);
    const fs::path over =
        write(scratch.path / "over.csv", csv + std::string(input_limits::participant_csv.bytes + 1 - csv.size(), '\n'));
    const ParticipantCsv over_limit = read_participant_csv_file(over.string(), {});
    CHECK(over_limit.participants.empty());
    CHECK(mentions(over_limit.diagnostics,
                   over.string() + ": error: larger than 16 MiB (the limit for participant CSV files)"));
}

TEST_CASE("a participant CSV with one cell of megabytes is read in a few steps, not grown 128 bytes at a time") {
    const std::string csv = "name,phone\n\"" + std::string(8 * input_limits::mib, 'a') + "\",+31 6 12345678\n";
    const auto started = std::chrono::steady_clock::now();
    const ParticipantCsv read = read_participant_csv_text(csv, "big.csv", {});
    CHECK(std::chrono::steady_clock::now() - started < std::chrono::seconds(2));
    REQUIRE(read.participants.size() == 1);
    CHECK(read.participants[0].participant.name.size() == 8 * input_limits::mib);
}

TEST_CASE("message templates: 64 KiB each") {
    const Scratch scratch("templates");
    fs::copy(test::source_path("config/templates"), scratch.path / "at", fs::copy_options::recursive);
    fs::copy(test::source_path("config/templates"), scratch.path / "over", fs::copy_options::recursive);
    const std::string reminder = read_whole(scratch.path / "at" / "nl" / "reminder.mustache");
    // A Mustache comment, which renders as nothing, fills the file.
    const auto template_of_size = [&](size_t size) {
        return reminder + "{{!" + std::string(size - reminder.size() - 5, 'x') + "}}";
    };
    write(scratch.path / "at" / "nl" / "reminder.mustache", template_of_size(input_limits::template_file.bytes));
    Diagnostics at_limit;
    CHECK(MessageRenderer::load(scratch.path / "at", at_limit));
    INFO(all_of(at_limit));
    CHECK_FALSE(at_limit.has_errors());

    const fs::path over = write(scratch.path / "over" / "nl" / "reminder.mustache",
                                template_of_size(input_limits::template_file.bytes + 1));
    Diagnostics over_limit;
    CHECK_FALSE(MessageRenderer::load(scratch.path / "over", over_limit));
    CHECK(mentions(over_limit, over.string() + ": error: larger than 64 KiB (the limit for message template files)"));
}

TEST_CASE("provider presets: 256 KiB") {
    const Scratch scratch("presets");
    const std::string preset = read_whole(test::source_path("config/providers/cm.toml"));
    Diagnostics at_limit;
    CHECK(ProviderPreset::load(write(scratch.path / "cm.toml", padded(preset, input_limits::provider_preset.bytes, "# ")),
                               at_limit));
    INFO(all_of(at_limit));
    CHECK_FALSE(at_limit.has_errors());
    const fs::path over = write(scratch.path / "big.toml", padded(preset, input_limits::provider_preset.bytes + 1, "# "));
    Diagnostics over_limit;
    CHECK_FALSE(ProviderPreset::load(over, over_limit));
    CHECK(mentions(over_limit, over.string() + ": error: larger than 256 KiB (the limit for provider preset files)"));
}

TEST_CASE("secret files: 64 KiB") {
    const Scratch scratch("secrets");
    ChannelSettings settings;
    settings.channel = "sms";
    const auto secret_in = [&](const std::string& name, size_t size) {
        const fs::path file = write(scratch.path / name, std::string(size - 1, 's') + "\n");
        ::chmod(file.c_str(), 0600);
        settings.values["password_file"] = file.string();
        return file;
    };
    secret_in("at", input_limits::secret.bytes);
    CHECK(read_secret(settings, "password") == std::string(input_limits::secret.bytes - 1, 's'));
    const fs::path over = secret_in("over", input_limits::secret.bytes + 1);
    std::string refusal;
    try {
        read_secret(settings, "password");
    } catch (const ChannelConfigError& e) {
        refusal = e.what();
    }
    CHECK(refusal == "[channel.sms]: `password_file` " + over.string() +
                         ": larger than 64 KiB (the limit for secret files); no real secret file comes near that: "
                         "check that this is the right file (ritme's README lists the limits under \"Input limits\")");
}

TEST_SUITE_END();
