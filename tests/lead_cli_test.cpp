// `ritme lead …` end to end on a real SQLite file: add, edit, list, remove, link, revoke,
// their refusals (exit 2 with the option named) and --help.

#include "adapters/builtin_adapters.hpp"
#include "engine/cli/cli.hpp"
#include "engine/store/sqlite_store.hpp"
#include "test_support.hpp"

#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>
#include <sstream>

using namespace ritme;
namespace pt = boost::posix_time;
namespace fs = std::filesystem;

namespace {

struct Run {
    int status;
    std::string out, err;
};

// A database with the Almere programme applied (its [lead] is Fatima).
class Fixture {
public:
    explicit Fixture(const std::string& name) : dir_(fs::temp_directory_path() / ("ritme-lead-cli-" + name)) {
        fs::remove_all(dir_);
        fs::create_directories(dir_);
        register_builtin_adapters(registry_);
        REQUIRE(run({"apply", test::source_path("config/programmes/almere-vrouwen-2026.toml")}).status == 0);
    }

    Run run(std::vector<std::string> args) const {
        std::ostringstream out, err;
        ManualClock clock({pt::ptime(make_date(2026, 1, 10), pt::hours(9))});
        CliContext context{out, err, clock, &registry_};
        args.insert(args.begin(), {"--holidays", test::source_path("config/holidays"), "--db", database()});
        const int status = run_cli(args, context);
        return {status, out.str(), err.str()};
    }

    std::string database() const { return (dir_ / "ritme.db").string(); }
    std::string file(const std::string& name, const std::string& content) const {
        std::ofstream(dir_ / name) << content;
        return (dir_ / name).string();
    }

private:
    fs::path dir_;
    ChannelRegistry registry_;
};

std::string first_line(const std::string& text) { return text.substr(0, text.find('\n')); }

}  // namespace

TEST_SUITE_BEGIN("lead_cli");

TEST_CASE("add prints the id; list shows every lead with her programmes, the file's lead included") {
    Fixture f("add");
    const auto added = f.run({"lead", "add", "--name", "Ans de Vries", "--mobile", "06-11223344", "--programme",
                              "almere-vrouwen-2026"});
    REQUIRE(added.status == 0);
    const std::string id = first_line(added.out);
    CHECK(id.starts_with("l-"));
    const auto list = f.run({"lead", "list"});
    CHECK(list.status == 0);
    CHECK(list.out.find(id + "  Ans de Vries  mobile +31611223344  email -  programmes almere-vrouwen-2026") !=
          std::string::npos);
    CHECK(list.out.find("Fatima  mobile +31612345678  email programma@example.org  programmes almere-vrouwen-2026") !=
          std::string::npos);
}

TEST_CASE("bad input is exit 2 with the option named, and nothing is stored") {
    Fixture f("bad");
    const auto before = f.run({"lead", "list"}).out;
    auto bad = f.run({"lead", "add", "--name", "Ans", "--mobile", "020-1234567"});
    CHECK(bad.status == 2);
    CHECK(bad.err.find("--mobile") != std::string::npos);
    bad = f.run({"lead", "add", "--name", "Ans", "--email", "ans@example.org", "--programme", "almere"});
    CHECK(bad.status == 2);
    CHECK(bad.err.find("almere") != std::string::npos);
    CHECK(f.run({"lead", "edit", "l-none", "--name", "X"}).status == 2);
    CHECK(f.run({"lead", "link", "l-none"}).status == 2);
    CHECK(f.run({"lead", "frobnicate"}).status == 2);
    CHECK(f.run({"lead", "list"}).out == before);
}

TEST_CASE("edit, link (with the config's public_url), revoke, remove; the audit names the operator and the lead's id") {
    Fixture f("link");
    const std::string id = first_line(f.run({"lead", "add", "--name", "Ans", "--email", "ans@example.org"}).out);
    const auto edited = f.run({"lead", "edit", id, "--mobile", "0611223344", "--programme", "almere-vrouwen-2026"});
    CHECK(edited.status == 0);
    CHECK(edited.out == id + ": changed mobile; now leads almere-vrouwen-2026\n");

    const auto config = f.file("ritme.toml", "public_url = \"https://ritme.example.nl\"\n");
    const auto link = f.run({"-c", config, "lead", "link", id});
    INFO(link.err);
    REQUIRE(link.status == 0);
    CHECK(link.out.starts_with("https://ritme.example.nl/signin?token="));
    CHECK(link.err.find("valid until 2026-01-11T09:00:00Z") != std::string::npos);
    const std::string token = first_line(link.out).substr(link.out.find("token=") + 6);
    CHECK(token.size() == 64);

    const auto plain = f.run({"lead", "link", id});  // no config: the default listen address
    CHECK(plain.out.starts_with("http://127.0.0.1:8470/signin?token="));

    const auto revoked = f.run({"lead", "revoke", id});
    CHECK(revoked.status == 0);
    CHECK(revoked.out == id + ": 2 sessions and links ended\n");
    CHECK(f.run({"lead", "remove", id}).out == "removed " + id + "\n");
    CHECK(f.run({"lead", "list"}).out.find(id) == std::string::npos);

    auto store = SqliteStore::open(f.database());
    bool linked = false;
    for (const auto& entry : store->audit()) {
        CHECK(entry.details.find(token) == std::string::npos);
        CHECK(entry.details.find("11223344") == std::string::npos);
        if (entry.action == "lead.link_made") {
            linked = true;
            CHECK(entry.subject == id);
            CHECK(entry.command == "lead link");
            CHECK_FALSE(entry.actor.empty());
        }
    }
    CHECK(linked);
}

TEST_CASE("--help on each verb") {
    Fixture f("help");
    for (const std::string verb : {"add", "edit", "list", "remove", "link", "revoke"}) {
        const auto help = f.run({"lead", verb, "--help"});
        CHECK(help.status == 0);
        CHECK(help.out.find("lead " + verb) != std::string::npos);
    }
}

TEST_SUITE_END();
