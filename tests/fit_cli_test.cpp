// `ritme fit` end to end on a real SQLite file: the stored sessions as the lead left
// them (moved, cancelled), and the crèche's places shared across sessions.

#include "engine/cli/cli.hpp"
#include "test_support.hpp"

#include <doctest/doctest.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <filesystem>
#include <sstream>

using namespace ritme;
namespace pt = boost::posix_time;
namespace fs = std::filesystem;

namespace {

struct Run {
    int status;
    std::string out, err;
};

// The Almere programme (crèche with 8 places on Tuesday and Thursday) applied.
class Fixture {
public:
    explicit Fixture(const std::string& name) : dir_(fs::temp_directory_path() / ("ritme-fit-" + name)) {
        fs::remove_all(dir_);
        fs::create_directories(dir_);
        REQUIRE(run({"apply", test::source_path("config/programmes/almere-vrouwen-2026.toml")}).status == 0);
    }
    ~Fixture() { fs::remove_all(dir_); }

    Run run(std::vector<std::string> args) const {
        std::ostringstream out, err;
        ManualClock clock({pt::ptime(make_date(2026, 1, 10), pt::hours(9))});
        CliContext context{out, err, clock};
        args.insert(args.begin(), {"--holidays", test::source_path("config/holidays"), "--db", (dir_ / "ritme.db").string()});
        const int status = run_cli(args, context);
        return {status, out.str(), err.str()};
    }

private:
    fs::path dir_;
};

const nlohmann::json* session_numbered(const nlohmann::json& report, int number) {
    for (const auto& session : report["sessions"])
        if (session["number"] == number) return &session;
    return nullptr;
}

}  // namespace

TEST_SUITE_BEGIN("fit_cli");

TEST_CASE("fit uses the stored sessions: a moved one where the crèche is closed gets no places, a cancelled one "
          "is not counted; scarce places rotate") {
    Fixture db("stored");
    // Five mothers with two children each: 10 children for 8 places.
    for (const char* name : {"Amina", "Busra", "Chaimae", "Dilan", "Eden"})
        REQUIRE(db.run({"participant", "add", "--name", name, "--email", std::string(name) + "@example.org",
                        "--children", "2", "--programme", "almere-vrouwen-2026"})
                    .status == 0);
    // #3 (Tuesday 10 February) to Wednesday 11 February: the crèche is closed on Wednesdays.
    REQUIRE(db.run({"session", "move", "almere-vrouwen-2026#3", "--to", "2026-02-11T09:30"}).status == 0);
    REQUIRE(db.run({"session", "cancel", "almere-vrouwen-2026#4", "--reason", "zaal bezet"}).status == 0);

    const Run run = db.run({"fit", "almere-vrouwen-2026", "--format", "json"});
    REQUIRE(run.status == 0);
    const auto report = nlohmann::json::parse(run.out);
    CHECK(report["childcare_places"] == 8);
    CHECK(session_numbered(report, 4) == nullptr);  // cancelled: not counted
    const auto* moved = session_numbered(report, 3);
    REQUIRE(moved != nullptr);
    CHECK((*moved)["date"] == "2026-02-11");
    CHECK((*moved)["childcare"]["places"] == 0);
    CHECK((*moved)["childcare"]["children"] == 10);
    REQUIRE((*moved)["unable"].size() == 5);
    CHECK((*moved)["unable"][0]["reasons"][0]["text"] == "no crèche: closed on wednesday");

    const auto* first = session_numbered(report, 1);
    REQUIRE(first != nullptr);
    CHECK((*first)["childcare"]["places"] == 8);
    REQUIRE((*first)["unable"].size() == 1);
    CHECK((*first)["unable"][0]["reasons"][0]["text"] == "no crèche place: 10 children need a place, the crèche has 8");

    // One mother left out per session, in turn: nobody more than once more than another.
    std::vector<int> attendable;
    for (const auto& p : report["participants"]) attendable.push_back(p["attendable"]);
    const auto [low, high] = std::minmax_element(attendable.begin(), attendable.end());
    CHECK(*high - *low <= 1);
    CHECK(report["totals"]["childcare_short_sessions"].get<int>() == report["totals"]["sessions"].get<int>());

    const Run text = db.run({"fit", "almere-vrouwen-2026"});
    CHECK(text.out.find("no crèche place: 10 children need a place, the crèche has 8") != std::string::npos);
    CHECK(text.out.find("places go first to those left out most often at earlier sessions") != std::string::npos);
}

TEST_SUITE_END();
