// `--dry-run` and the summary of what a change sends, end to end through the CLI on a
// real SQLite file: `ritme session cancel|move|restore` and `ritme apply` plan their
// messages as the daemon would, print them, and with --dry-run leave every table of the
// database as it was (issue 11, problem 5).

#include "adapters/builtin_adapters.hpp"
#include "engine/calendar/calendar.hpp"
#include "engine/cli/cli.hpp"
#include "engine/store/sqlite_store.hpp"
#include "engine/time/time_zone.hpp"
#include "test_support.hpp"

#include <SQLiteCpp/SQLiteCpp.h>
#include <doctest/doctest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>

using namespace ritme;
namespace pt = boost::posix_time;
namespace fs = std::filesystem;

namespace {

const std::string almere = "almere-vrouwen-2026";

struct Run {
    int status;
    std::string out, err;
};

UtcInstant amsterdam(int year, int month, int day, int hour, int minute) {
    return *TimeZone::load("Europe/Amsterdam")
                .to_utc({make_date(year, month, day), TimeOfDay::hm(hour, minute)}, session_time_policy)
                .instant;
}

bool contains(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

// The lines of `text` that start with `prefix`.
std::vector<std::string> lines_starting(const std::string& text, const std::string& prefix) {
    std::vector<std::string> found;
    std::istringstream lines(text);
    for (std::string line; std::getline(lines, line);)
        if (line.rfind(prefix, 0) == 0) found.push_back(line);
    return found;
}

// The Almere programme applied, four participants enrolled (three by SMS, one by e-mail)
// and their reminders planned by a tick, with a daemon config of an SMS and an e-mail
// channel, both the outbox adapter.
class Fixture {
public:
    explicit Fixture(const std::string& name) : dir_(fs::temp_directory_path() / ("ritme-preview-" + name)) {
        fs::remove_all(dir_);
        fs::create_directories(dir_);
        std::ofstream(config()) << R"(database = "ritme.db"
timezone = "Europe/Amsterdam"
templates = ")" << test::source_path("config/templates") << R"("

[channel.sms]
adapter = "outbox"
dir = "outbox"
print = false

[channel.email]
adapter = "outbox"
dir = "outbox-email"
print = false
)";
        register_builtin_adapters(registry_);
        REQUIRE(run({"apply", programme_file()}).status == 0);
        add("Amina Yusuf", {"--phone", "+31611111111"});
        add("Chaima El Idrissi", {"--phone", "+31622222222"});
        add("Zeynep Kaya", {"--phone", "+31633333333", "--language", "tr"});
        add("Dilan Aydin", {"--email", "dilan@example.org"});
        REQUIRE(run({"tick"}).status == 0);  // plans every reminder; none is due yet
    }
    ~Fixture() { fs::remove_all(dir_); }

    Run run(std::vector<std::string> args, UtcInstant now = setup_time, bool with_config = true) {
        std::ostringstream out, err;
        ManualClock clock(now);
        CliContext context{out, err, clock, &registry_};
        args.insert(args.begin(), {"--holidays", test::source_path("config/holidays"), "--db", database()});
        if (with_config) args.insert(args.begin(), {"-c", config()});
        const int status = run_cli(args, context);
        return {status, out.str(), err.str()};
    }

    std::string config() const { return (dir_ / "ritme.toml").string(); }
    std::string database() const { return (dir_ / "ritme.db").string(); }
    std::string programme_file() const { return test::source_path("config/programmes/almere-vrouwen-2026.toml"); }

    std::string file(const std::string& name, const std::string& content) const {
        const auto path = dir_ / name;
        std::ofstream(path, std::ios::binary) << content;
        return path.string();
    }

    // Every row of every table, as text: what a dry run must leave as it was.
    std::string contents() const {
        SQLite::Database db(database(), SQLite::OPEN_READONLY);
        std::string text;
        SQLite::Statement tables(db, "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name");
        while (tables.executeStep()) {
            const std::string table = tables.getColumn(0).getString();
            text += "table " + table + "\n";
            SQLite::Statement rows(db, "SELECT * FROM \"" + table + "\"");
            std::vector<std::string> lines;  // sorted: some tables have no rowid to order by
            while (rows.executeStep()) {
                std::string line;
                for (int i = 0; i < rows.getColumnCount(); ++i) line += rows.getColumn(i).getString() + "|";
                lines.push_back(std::move(line));
            }
            std::sort(lines.begin(), lines.end());
            for (const auto& line : lines) text += line + "\n";
        }
        return text;
    }

    std::vector<Delivery> deliveries(DeliveryKind kind, DeliveryState state) const {
        DeliveryQuery query;
        query.kinds = {kind};
        query.states = {state};
        return SqliteStore::open(database())->deliveries(query);
    }

    StoredSession session(int number) const {
        for (auto& s : SqliteStore::open(database())->sessions(almere))
            if (s.number == number) return s;
        FAIL("no session #" << number);
        return {};
    }

    // 2026-01-10 10:00 in Almere: the programme is applied, its first session on 3 February.
    static inline const UtcInstant setup_time{pt::ptime(make_date(2026, 1, 10), pt::hours(9))};

private:
    void add(const std::string& name, std::vector<std::string> extra) {
        std::vector<std::string> args{"participant", "add", "--name", name, "--programme", almere};
        args.insert(args.end(), extra.begin(), extra.end());
        REQUIRE(run(args).status == 0);
    }

    fs::path dir_;
    ChannelRegistry registry_;
};

// No phone number of anyone in the output: not the participants', not the lead's.
void check_no_phone_numbers(const std::string& output) {
    for (const char* number : {"+31611111111", "0611111111", "+31622222222", "+31633333333", "+31612345678",
                               "12345678"})
        CHECK_MESSAGE(!contains(output, number), number);
}

}  // namespace

TEST_SUITE("change_preview") {
    TEST_CASE("problem 5: at 23:40 a lead cancels a session with --dry-run: she sees who hears, how and what; nothing changes") {
        Fixture db("cancel-at-night");
        // Tuesday 10 February, 23:40: session #4 is on Thursday 12 February at 09:30.
        const UtcInstant night = amsterdam(2026, 2, 10, 23, 40);
        REQUIRE(db.session(4).date == make_date(2026, 2, 12));
        const std::string before = db.contents();

        const Run dry = db.run({"session", "cancel", almere + "#4", "--reason", "zaal dubbel geboekt", "--dry-run"},
                               night);
        INFO(dry.out, dry.err);
        REQUIRE(dry.status == 0);
        CHECK(contains(dry.out, "cancelled #4"));
        CHECK(contains(dry.out, "messages: 4 would go, "));
        // Names, sorted; the channel; when the first goes (after the quiet hours for SMS).
        CHECK(contains(dry.out, "  3 change notices by sms to 3 participants: Amina Yusuf, Chaima El Idrissi, "
                                "Zeynep Kaya; the first Wed 2026-02-11 08:00\n"));
        // E-mail knows no quiet hours: it waits only the notice delay, 10 minutes.
        CHECK(contains(dry.out, "  1 change notice by email to 1 participant: Dilan Aydin; the first Tue 2026-02-10 23:50\n"));
        CHECK(contains(dry.out, " reminders cancelled: session #4 changed\n"));
        // One sample, rendered as the dispatcher renders it, with its SMS segments.
        CHECK(contains(dry.out, "  for example, the change notice by sms to Amina Yusuf (nl; 1 SMS segment, GSM-7, "));
        CHECK(contains(dry.out, "    | Hallo Amina, de bijeenkomst van donderdag 12 februari om 09:30 gaat niet door.\n"));
        CHECK(contains(dry.out, "    | Vragen? Stuur een sms terug of bel +31 6 ****5678.\n"));
        CHECK(contains(dry.out, "dry run: nothing stored, nothing sent"));
        check_no_phone_numbers(dry.out + dry.err);
        CHECK_FALSE(contains(dry.out + dry.err, "zaal dubbel geboekt"));  // the reason is for the audit only

        // Not a session, audit entry, outbox row, plan request or setting changed.
        CHECK(db.contents() == before);
        CHECK(db.session(4).status == SessionStatus::planned);

        // The same change made: the same summary, and the rows are there for the daemon.
        const Run made = db.run({"session", "cancel", almere + "#4", "--reason", "zaal dubbel geboekt"}, night);
        INFO(made.out, made.err);
        REQUIRE(made.status == 0);
        CHECK(contains(made.out, "messages: 4 to go, "));
        CHECK(lines_starting(made.out, "  ") == lines_starting(dry.out, "  "));
        CHECK_FALSE(contains(made.out, "dry run"));
        CHECK(db.session(4).status == SessionStatus::cancelled);

        const auto notices = db.deliveries(DeliveryKind::change, DeliveryState::planned);
        REQUIRE(notices.size() == 4);
        for (const auto& notice : notices) {
            CHECK(notice.session_id == db.session(4).id);
            CHECK(notice.send_at == (notice.channel == "sms" ? amsterdam(2026, 2, 11, 8, 0) : amsterdam(2026, 2, 10, 23, 50)));
        }
        const auto cancelled = db.deliveries(DeliveryKind::reminder, DeliveryState::cancelled);
        CHECK(contains(made.out, "  " + std::to_string(cancelled.size()) + " reminders cancelled: session #4 changed\n"));
        CHECK(SqliteStore::open(db.database())->plan_requests().empty());
    }

    TEST_CASE("session move and restore --dry-run show their notices and change nothing; done, they plan them") {
        Fixture db("move");
        const UtcInstant evening = amsterdam(2026, 2, 10, 20, 0);
        const std::string before = db.contents();
        const Run dry =
            db.run({"session", "move", almere + "#4", "--to", "2026-02-13T09:30", "--dry-run"}, evening);
        INFO(dry.out, dry.err);
        REQUIRE(dry.status == 0);
        CHECK(contains(dry.out, "  3 change notices by sms to 3 participants: "));
        CHECK(contains(dry.out, "is verplaatst naar vrijdag 13 februari om 09:30"));
        CHECK(db.contents() == before);

        REQUIRE(db.run({"session", "move", almere + "#4", "--to", "2026-02-13T09:30"}, evening).status == 0);
        const std::string moved = db.contents();
        const Run restore = db.run({"session", "restore", almere + "#4", "--dry-run"}, evening);
        INFO(restore.out, restore.err);
        REQUIRE(restore.status == 0);
        CHECK(contains(restore.out, "follows the programme file again"));
        CHECK(contains(restore.out, "messages: "));
        CHECK(contains(restore.out, "dry run: nothing stored"));
        CHECK(db.contents() == moved);
    }

    TEST_CASE("apply --dry-run of an edited file: the reminders it plans and cancels, and nothing stored") {
        Fixture db("apply");
        std::ifstream in(db.programme_file());
        std::string text(std::istreambuf_iterator<char>(in), {});
        const std::string old_offsets = R"(offsets = ["1d@18:00", "2h"])";
        REQUIRE(contains(text, old_offsets));
        text.replace(text.find(old_offsets), old_offsets.size(), R"(offsets = ["1d@18:00", "3h"])");
        const std::string edited = db.file("almere-vrouwen-2026.toml", text);

        const std::string before = db.contents();
        const Run dry = db.run({"apply", edited, "--dry-run"});
        INFO(dry.out, dry.err);
        REQUIRE(dry.status == 0);
        CHECK(contains(dry.out, almere + ": "));
        const auto reminders = lines_starting(dry.out, "  ");
        REQUIRE_FALSE(reminders.empty());
        CHECK(contains(dry.out, " reminders by sms to 3 participants: Amina Yusuf, Chaima El Idrissi, Zeynep Kaya; "));
        CHECK(contains(dry.out, " reminders by email to 1 participant: Dilan Aydin; "));
        CHECK(contains(dry.out, " reminders cancelled: "));
        CHECK(contains(dry.out, "  for example, the reminder by sms to "));
        CHECK(contains(dry.out, "dry run: nothing stored"));
        check_no_phone_numbers(dry.out + dry.err);
        CHECK(db.contents() == before);

        const Run made = db.run({"apply", edited});
        REQUIRE(made.status == 0);
        CHECK(lines_starting(made.out, "  ") == reminders);
        bool three_hours = false;
        for (const auto& row : db.deliveries(DeliveryKind::reminder, DeliveryState::planned))
            three_hours = three_hours || row.offset == "3h";
        CHECK(three_hours);

        // Applied again, unchanged: nothing to say about messages.
        const Run again = db.run({"apply", edited});
        CHECK(again.out == almere + ": no changes\n");
    }

    TEST_CASE("without a daemon config the change is made, and one line says the daemon plans its messages") {
        Fixture db("no-config");
        const std::string before = db.contents();
        const Run dry = db.run({"session", "cancel", almere + "#4", "--reason", "ziek", "--dry-run"},
                               Fixture::setup_time, false);
        INFO(dry.out, dry.err);
        REQUIRE(dry.status == 0);
        CHECK(contains(dry.out, "cancelled #4"));
        CHECK(lines_starting(dry.out, "messages: ") ==
              std::vector<std::string>{"messages: planned when the daemon runs (no daemon config here); to preview "
                                       "them, give the daemon's config: -c CONFIG"});
        CHECK(contains(dry.out, "dry run: nothing stored"));
        CHECK(db.contents() == before);

        const Run made = db.run({"session", "cancel", almere + "#4", "--reason", "ziek"}, Fixture::setup_time, false);
        REQUIRE(made.status == 0);
        CHECK(lines_starting(made.out, "messages: ").size() == 1);
        CHECK_FALSE(contains(made.out, "dry run"));
        CHECK(db.session(4).status == SessionStatus::cancelled);
        // Nothing planned yet: the request waits for the daemon.
        CHECK(db.deliveries(DeliveryKind::change, DeliveryState::planned).empty());
        CHECK(SqliteStore::open(db.database())->plan_requests() == std::vector<std::string>{"programme:" + almere});
    }

    TEST_CASE("a refused change with --dry-run prints no summary and changes nothing") {
        Fixture db("refused");
        const std::string before = db.contents();
        const Run run = db.run({"session", "cancel", almere + "#99", "--reason", "x", "--dry-run"});
        CHECK(run.status == 2);
        CHECK(run.out.empty());
        CHECK(db.contents() == before);
    }

    TEST_CASE("--help of apply and of session cancel, move and restore names --dry-run") {
        Fixture db("help");
        for (const auto& verb : std::vector<std::vector<std::string>>{
                 {"apply", "--help"}, {"session", "cancel", "--help"}, {"session", "move", "--help"},
                 {"session", "restore", "--help"}}) {
            const Run run = db.run(verb);
            CHECK(run.status == 0);
            CHECK_MESSAGE(contains(run.out, "--dry-run"), verb.front());
        }
    }
}
