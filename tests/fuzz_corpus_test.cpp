// The fuzz corpus in the normal test suite: every file under tests/fuzz/KIND/ (the seeds,
// the crafted inputs of past findings, what fuzzing found worth keeping) goes through the
// entry of its kind, the same entry the libFuzzer target fuzz_KIND calls. An exception
// escaping an entry fails the file's check; a crash or a sanitizer report fails the run.

#include "tests/fuzz/fuzz_entries.hpp"
#include "test_support.hpp"

#include <doctest/doctest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <map>
#include <string>
#include <vector>

namespace fs = std::filesystem;

namespace {

using Entry = void (*)(std::string_view);

const std::map<std::string, Entry> entries = {
    {"programme", ritme::fuzz::fuzz_programme},
    {"school", ritme::fuzz::fuzz_school},
    {"ics", ritme::fuzz::fuzz_ics},
    {"daemon_config", ritme::fuzz::fuzz_daemon_config},
    {"provider_preset", ritme::fuzz::fuzz_provider_preset},
    {"participant_csv", ritme::fuzz::fuzz_participant_csv},
    {"template", ritme::fuzz::fuzz_template},
    {"cli_time", ritme::fuzz::fuzz_cli_time},
    {"answer_words", ritme::fuzz::fuzz_answer_words},
    {"http_request", ritme::fuzz::fuzz_http_request},
};

const fs::path corpus = ritme::test::source_path("tests/fuzz");

// The inputs of one kind, found when the test runs, in name order.
std::vector<fs::path> inputs_of(const std::string& kind) {
    std::vector<fs::path> files;
    for (const auto& entry : fs::directory_iterator(corpus / kind))
        if (entry.is_regular_file() && !entry.path().filename().string().starts_with('.'))
            files.push_back(entry.path());
    std::sort(files.begin(), files.end());
    return files;
}

std::string bytes_of(const fs::path& file) {
    std::ifstream in(file, std::ios::binary);
    return std::string(std::istreambuf_iterator<char>(in), {});
}

void run_corpus(const std::string& kind) {
    const auto files = inputs_of(kind);
    CHECK_MESSAGE(!files.empty(), "tests/fuzz/" << kind << " has no inputs");
    for (const fs::path& file : files) {
        INFO("tests/fuzz/" << kind << "/" << file.filename().string());
        const std::string input = bytes_of(file);
        CHECK_NOTHROW(entries.at(kind)(input));
    }
}

}  // namespace

TEST_SUITE_BEGIN("fuzz_corpus");

TEST_CASE("every folder under tests/fuzz is a kind of input with an entry") {
    for (const auto& entry : fs::directory_iterator(corpus)) {
        if (!entry.is_directory()) continue;
        const std::string folder = entry.path().filename().string();
        CHECK_MESSAGE(entries.contains(folder), "tests/fuzz/" << folder << " is no kind of input; the kinds are the "
                                                              << "folders fuzz_entries.hpp has an entry for");
    }
}

TEST_CASE("programme files") { run_corpus("programme"); }
TEST_CASE("school files") { run_corpus("school"); }
TEST_CASE("school calendars (.ics)") { run_corpus("ics"); }
TEST_CASE("daemon configs") { run_corpus("daemon_config"); }
TEST_CASE("provider presets") { run_corpus("provider_preset"); }
TEST_CASE("participant lists (CSV)") { run_corpus("participant_csv"); }
TEST_CASE("message templates") { run_corpus("template"); }
TEST_CASE("times on the command line") { run_corpus("cli_time"); }
TEST_CASE("answer words (answers.toml)") { run_corpus("answer_words"); }
TEST_CASE("requests to the HTTP interface") { run_corpus("http_request"); }

TEST_SUITE_END();
