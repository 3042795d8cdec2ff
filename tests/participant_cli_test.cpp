// The participant verbs end to end, on a real SQLite file: add, edit, list, show,
// import (good and broken files, dry run), export and erase.

#include "adapters/builtin_adapters.hpp"
#include "engine/cli/cli.hpp"
#include "engine/store/sqlite_store.hpp"
#include "test_support.hpp"

#include <SQLiteCpp/Database.h>
#include <doctest/doctest.h>
#include <nlohmann/json.hpp>

#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>

using namespace ritme;
namespace pt = boost::posix_time;
namespace fs = std::filesystem;

namespace {

struct Run {
    int status;
    std::string out, err;
};

// A database with the Almere programme applied.
class Fixture {
public:
    explicit Fixture(const std::string& name) : dir_(fs::temp_directory_path() / ("ritme-participant-" + name)) {
        fs::remove_all(dir_);
        fs::create_directories(dir_);
        REQUIRE(run({"apply", test::source_path("config/programmes/almere-vrouwen-2026.toml")}).status == 0);
    }

    Run run(std::vector<std::string> args) const {
        std::ostringstream out;
        Run result = run_writing_to(out, std::move(args));
        result.out = out.str();
        return result;
    }

    // With standard output `out`; the Run's `out` stays empty.
    Run run_writing_to(std::ostream& out, std::vector<std::string> args) const {
        std::ostringstream err;
        ManualClock clock({pt::ptime(make_date(2026, 1, 10), pt::hours(9))});
        CliContext context{out, err, clock};
        args.insert(args.begin(), {"--holidays", test::source_path("config/holidays"), "--db", database()});
        const int status = run_cli(args, context);
        return {status, {}, err.str()};
    }

    std::string database() const { return (dir_ / "ritme.db").string(); }

    std::string file(const std::string& name, const std::string& content) const {
        const auto path = dir_ / name;
        std::ofstream(path, std::ios::binary) << content;
        return path.string();
    }

    // The database and its write-ahead log, byte for byte.
    std::string database_bytes() const {
        std::string bytes;
        for (const auto& path : {database(), database() + "-wal"}) {
            std::ifstream in(path, std::ios::binary);
            bytes.append(std::istreambuf_iterator<char>(in), {});
        }
        return bytes;
    }

private:
    fs::path dir_;
};

std::string first_line(const std::string& text) { return text.substr(0, text.find('\n')); }

// A standard output that takes nothing, like /dev/full.
struct FullDevice : std::streambuf {
    int overflow(int) override { return traits_type::eof(); }
};

}  // namespace

TEST_SUITE_BEGIN("participant_cli");

TEST_CASE("add, then list masks the phone number and show gives it whole") {
    Fixture db("add");
    const Run added = db.run({"participant", "add", "--name", "Amina Yusuf", "--phone", "06-12345678", "--language",
                              "so", "--children", "2", "--commitment", "ma 09:00-12:00 taalles", "--programme",
                              "almere-vrouwen-2026"});
    REQUIRE(added.status == 0);
    const std::string id = first_line(added.out);
    CHECK(id.rfind("p-", 0) == 0);

    const Run list = db.run({"participant", "list", "--format", "json"});
    REQUIRE(list.status == 0);
    const auto json = nlohmann::json::parse(list.out);
    REQUIRE(json.size() == 1);
    CHECK(json[0]["id"] == id);
    CHECK(json[0]["name"] == "Amina Yusuf");
    CHECK(json[0]["phone"] == "+31 6 ****5678");
    CHECK(json[0]["language"] == "so");
    CHECK(json[0]["channels"] == "sms");
    CHECK(json[0]["programmes"] == nlohmann::json::array({"almere-vrouwen-2026"}));
    CHECK(list.out.find("12345678") == std::string::npos);
    CHECK(db.run({"participant", "list"}).out.find("+31 6 ****5678") != std::string::npos);

    const Run show = db.run({"participant", "show", id, "--format", "json"});
    CHECK(nlohmann::json::parse(show.out)["phone"] == "+31612345678");
    CHECK(nlohmann::json::parse(show.out)["commitments"][0] == "ma 09:00-12:00 taalles");
}

TEST_CASE("add warns when her language has no templates; show lists her messages and answers") {
    Fixture db("languages");
    const Run somali = db.run({"participant", "add", "--name", "Amina Yusuf", "--phone", "06-12345678", "--language",
                               "so", "--programme", "almere-vrouwen-2026"});
    REQUIRE(somali.status == 0);
    CHECK(somali.err.find("no templates") == std::string::npos);
    const Run polish = db.run({"participant", "add", "--name", "Ola Nowak", "--phone", "06-12345679", "--language",
                               "pl", "--programme", "almere-vrouwen-2026"});
    REQUIRE(polish.status == 0);
    CHECK(polish.err.find("warning: no templates in language \"pl\" (1 participant)") != std::string::npos);
    CHECK(polish.err.find("Dutch and English") != std::string::npos);

    const Run show = db.run({"participant", "show", first_line(somali.out)});
    REQUIRE(show.status == 0);
    CHECK(show.out.find("messages:") != std::string::npos);
    CHECK(show.out.find("answers: none") != std::string::npos);
    const auto json = nlohmann::json::parse(db.run({"participant", "show", first_line(somali.out), "--format", "json"}).out);
    CHECK(json["answers"].is_array());
    CHECK(json["messages"].is_array());
}

TEST_CASE("bad values are refused with the option and a hint, and nothing is stored") {
    Fixture db("bad");
    const Run landline = db.run({"participant", "add", "--name", "X", "--phone", "020-1234567"});
    CHECK(landline.status == 2);
    CHECK(landline.err.find("--phone: ") != std::string::npos);
    CHECK(landline.err.find("is a landline, not a mobile number") != std::string::npos);
    const Run no_contact = db.run({"participant", "add", "--name", "X"});
    CHECK(no_contact.status == 2);
    CHECK(no_contact.err.find("give --phone or --email") != std::string::npos);
    const Run unknown = db.run({"participant", "add", "--name", "X", "--email", "x@example.nl", "--programme",
                                "almere-vrouwen-2027"});
    CHECK(unknown.status == 2);
    CHECK(unknown.err.find("no programme \"almere-vrouwen-2027\"; did you mean almere-vrouwen-2026?") !=
          std::string::npos);
    CHECK(SqliteStore::open(db.database())->participants().empty());
}

TEST_CASE("edit changes only what is given, and the audit names the fields, not their values") {
    Fixture db("edit");
    const std::string id = first_line(db.run({"participant", "add", "--name", "Amina", "--phone", "0612345678"}).out);
    const Run edit = db.run({"participant", "edit", id, "--email", "amina@example.org", "--channels", "sms+email",
                             "--enrol", "almere-vrouwen-2026"});
    CHECK(edit.status == 0);
    CHECK(edit.out == id + ": changed email, channels; enrolled in almere-vrouwen-2026\n");
    auto store = SqliteStore::open(db.database());
    const auto p = store->participant(id);
    CHECK(p->phone == "+31612345678");
    CHECK(p->email == "amina@example.org");
    CHECK(store->programmes_of(id) == std::vector<std::string>{"almere-vrouwen-2026"});
    const auto audit = store->audit();
    const auto changed = std::find_if(audit.begin(), audit.end(), [](const AuditEntry& e) { return e.action == "participant.changed"; });
    REQUIRE(changed != audit.end());
    CHECK(changed->details == "email, channels");
    CHECK(changed->command == "participant edit");
    for (const auto& entry : audit) CHECK(entry.details.find("amina@") == std::string::npos);
}

TEST_CASE("edit --commitment adds one; --remove-commitment removes one by its text or its number") {
    Fixture db("commitments");
    const std::string id = first_line(db.run({"participant", "add", "--name", "Amina", "--phone", "0612345678",
                                              "--commitment", "ma 09:00-12:00 taalles"})
                                          .out);
    auto commitments = [&] {
        return nlohmann::json::parse(db.run({"participant", "show", id, "--format", "json"}).out)["commitments"];
    };
    const Run added = db.run({"participant", "edit", id, "--commitment", "wo 13:00-14:00 zwemles"});
    CHECK(added.status == 0);
    CHECK(added.out == id + ": changed commitments\n");
    CHECK(commitments() == nlohmann::json::array({"ma 09:00-12:00 taalles", "wo 13:00-14:00 zwemles"}));

    // The same one again is no change.
    CHECK(db.run({"participant", "edit", id, "--commitment", "wo 13:00-14:00 zwemles"}).out ==
          id + ": no field changed\n");
    CHECK(commitments().size() == 2);

    // By its text as listed, spelt a little differently.
    const Run by_text = db.run({"participant", "edit", id, "--remove-commitment", "ma  9:00-12:00 taalles"});
    CHECK(by_text.status == 0);
    CHECK(commitments() == nlohmann::json::array({"wo 13:00-14:00 zwemles"}));

    // By its number in the list.
    CHECK(db.run({"participant", "edit", id, "--commitment", "2026-03-10 13:00-14:00 tandarts"}).status == 0);
    CHECK(db.run({"participant", "edit", id, "--remove-commitment", "1"}).status == 0);
    CHECK(commitments() == nlohmann::json::array({"2026-03-10 13:00-14:00 tandarts"}));

    // One that is not there: an error that lists the stored ones, and nothing changes.
    const Run unknown = db.run({"participant", "edit", id, "--remove-commitment", "di 09:00-12:00 taalles",
                                "--commitment", "do 09:00-10:00 sport"});
    CHECK(unknown.status == 2);
    CHECK(unknown.err.find("--remove-commitment: no stored commitment \"di 09:00-12:00 taalles\"; the stored ones are "
                           "1 \"2026-03-10 13:00-14:00 tandarts\"") != std::string::npos);
    CHECK(db.run({"participant", "edit", id, "--remove-commitment", "2"}).status == 2);
    CHECK(commitments() == nlohmann::json::array({"2026-03-10 13:00-14:00 tandarts"}));

    // --clear-commitments then --commitment: replaces them all.
    CHECK(db.run({"participant", "edit", id, "--clear-commitments", "--commitment", "vr 09:00-10:00 sport"}).status == 0);
    CHECK(commitments() == nlohmann::json::array({"vr 09:00-10:00 sport"}));
}

TEST_CASE("edit --enrol and --unenrol say what changed, and a repeat changes nothing") {
    Fixture db("enrol");
    const std::string id = first_line(db.run({"participant", "add", "--name", "Amina", "--phone", "0612345678"}).out);
    CHECK(db.run({"participant", "edit", id, "--enrol", "almere-vrouwen-2026"}).out ==
          id + ": enrolled in almere-vrouwen-2026\n");
    const auto audit_before = SqliteStore::open(db.database())->audit().size();
    CHECK(db.run({"participant", "edit", id, "--enrol", "almere-vrouwen-2026"}).out ==
          id + ": already enrolled in almere-vrouwen-2026\n");
    CHECK(SqliteStore::open(db.database())->audit().size() == audit_before);
    CHECK(db.run({"participant", "edit", id, "--unenrol", "almere-vrouwen-2026"}).out ==
          id + ": unenrolled from almere-vrouwen-2026\n");
    CHECK(SqliteStore::open(db.database())->programmes_of(id).empty());
    CHECK(db.run({"participant", "edit", id, "--unenrol", "almere-vrouwen-2026"}).out ==
          id + ": was not enrolled in almere-vrouwen-2026\n");
}

TEST_CASE("import: a Dutch Excel file adds everyone; importing it again changes nothing") {
    Fixture db("import");
    const std::string good = db.file("groep.csv",
                                     "\xEF\xBB\xBF" "name;phone;email;language;children_in_care;commitments\r\n"
                                     "Anna de Vries;06-12345678;;nl;2;\"ma 09:00-12:00 taalles; wo 09:00-12:00 taalles\"\r\n"
                                     "Fatima El Amrani;+32 470 12 34 56;fatima@example.nl;ar;1;\r\n"
                                     "Hiwet;;hiwet@example.nl;ti;0;\r\n");
    const Run dry = db.run({"participant", "import", good, "--programme", "almere-vrouwen-2026", "--dry-run"});
    CHECK(dry.status == 0);
    CHECK(dry.out.find("would add: ") != std::string::npos);
    CHECK(dry.out.find("3 rows; nothing changed (--dry-run)") != std::string::npos);
    CHECK(SqliteStore::open(db.database())->participants().empty());

    const Run real = db.run({"participant", "import", good, "--programme", "almere-vrouwen-2026"});
    CHECK(real.status == 0);
    auto store = SqliteStore::open(db.database());
    CHECK(store->participants().size() == 3);
    CHECK(store->participants_of("almere-vrouwen-2026").size() == 3);
    for (const auto& p : store->participants())
        if (p.name == "Anna de Vries") CHECK(p.commitments.size() == 2);

    const Run again = db.run({"participant", "import", good, "--programme", "almere-vrouwen-2026", "--dry-run"});
    CHECK(again.out.find("would add") == std::string::npos);
    int unchanged = 0;
    for (size_t at = 0; (at = again.out.find("\nunchanged: p-", at)) != std::string::npos; ++at) ++unchanged;
    CHECK(unchanged + (again.out.rfind("unchanged: p-", 0) == 0) == 3);
}

TEST_CASE("import: a broken file reports every bad row with its line and imports nothing") {
    Fixture db("broken");
    const auto audit_before = SqliteStore::open(db.database())->audit().size();
    const Run run = db.run({"participant", "import", test::data_path("csv/rows.csv"), "--programme", "almere-vrouwen-2026"});
    CHECK(run.status == 2);
    const std::string prefix = test::data_path("csv/rows.csv") + ":";
    CHECK(run.err.find(prefix + "2:2: error: column phone: \"0612\" is not a valid mobile number (too short)") !=
          std::string::npos);
    CHECK(run.err.find(prefix + "4:1: error: column name: no name given") != std::string::npos);
    CHECK(run.err.find("nothing imported") != std::string::npos);
    auto store = SqliteStore::open(db.database());
    CHECK(store->participants().empty());
    CHECK(store->audit().size() == audit_before);
}

TEST_CASE("export to an output that cannot be written (> /dev/full) fails with exit 1 and says so") {
    Fixture db("export-full");
    const std::string id = first_line(db.run({"participant", "add", "--name", "Zarqa Qwertyuiop", "--email",
                                              "zarqa.qwerty@example.org", "--programme", "almere-vrouwen-2026"})
                                          .out);
    FullDevice full;
    std::ostream out(&full);
    const Run exported = db.run_writing_to(out, {"participant", "export", id});
    CHECK(exported.status == 1);
    CHECK(exported.err.find("ritme: cannot write to standard output") != std::string::npos);
    CHECK(exported.err.find("Zarqa") == std::string::npos);
}

TEST_CASE("export gives everything held about one person; erase leaves no trace in the file") {
    Fixture db("erase");
    const std::string name = "Zarqa Qwertyuiop";
    const std::string id = first_line(db.run({"participant", "add", "--name", name, "--phone", "+31 6 8765 4321",
                                              "--email", "zarqa.qwerty@example.org", "--channels", "sms+email",
                                              "--programme", "almere-vrouwen-2026"})
                                          .out);
    const std::string other = first_line(
        db.run({"participant", "add", "--name", "Other Person", "--email", "other@example.org"}).out);
    const Run exported = db.run({"participant", "export", id});
    REQUIRE(exported.status == 0);
    const auto json = nlohmann::json::parse(exported.out);
    CHECK(json["name"] == name);
    CHECK(json["phone"] == "+31687654321");
    CHECK(json["programmes"] == nlohmann::json::array({"almere-vrouwen-2026"}));
    CHECK(json["history"].size() == 2);  // added, enrolled
    CHECK(db.database_bytes().find(name) != std::string::npos);  // there before: the check below can fail

    const Run erased = db.run({"participant", "erase", id});
    CHECK(erased.status == 0);
    const std::string bytes = db.database_bytes();
    CHECK(bytes.find(name) == std::string::npos);
    CHECK(bytes.find("Qwertyuiop") == std::string::npos);
    CHECK(bytes.find("87654321") == std::string::npos);
    CHECK(bytes.find("zarqa.qwerty") == std::string::npos);

    auto store = SqliteStore::open(db.database());
    CHECK_FALSE(store->participant(id).has_value());
    CHECK(store->participant(other).has_value());
    CHECK(store->anonymous_enrolments("almere-vrouwen-2026") == 1);
    CHECK(store->audit().back().action == "participant.erased");
    CHECK(db.run({"participant", "show", id}).status == 2);
}

TEST_CASE("erase while another connection reads: not 'erased' until the log is emptied; again, once it is gone") {
    Fixture db("erase-reader");
    const std::string id = first_line(db.run({"participant", "add", "--name", "Zarqa Qwertyuiop", "--phone",
                                              "+31 6 8765 4321", "--email", "zarqa.qwerty@example.org", "--channels",
                                              "sms+email", "--programme", "almere-vrouwen-2026"})
                                          .out);
    const auto traces = [&] {
        const std::string bytes = db.database_bytes();
        int found = 0;
        for (const char* part : {"Qwertyuiop", "87654321", "zarqa.qwerty"}) found += bytes.find(part) != std::string::npos;
        return found;
    };
    REQUIRE(traces() == 3);
    {
        // A read transaction begun before the erase, as the daemon's or a slow export's.
        SQLite::Database reader(db.database(), SQLite::OPEN_READONLY);
        reader.exec("BEGIN");
        CHECK(reader.execAndGet("SELECT count(*) FROM participant").getInt() == 1);
        const Run erased = db.run({"participant", "erase", id});
        CHECK(erased.status == 1);
        CHECK(erased.out.find("erased") == std::string::npos);
        CHECK(erased.err.find(id + " is deleted from the tables, but another process is reading the database") !=
              std::string::npos);
        CHECK(erased.err.find("the write-ahead log of " + db.database() + "; stop the daemon") != std::string::npos);
        CHECK(erased.err.find("run `ritme participant erase " + id + "` again") != std::string::npos);
        CHECK(db.run({"participant", "show", id}).status == 2);  // gone from the tables already
    }
    const Run again = db.run({"participant", "erase", id});
    CHECK(again.status == 0);
    CHECK(again.out == id + ": erased; the write-ahead log holds nothing of her now\n");
    CHECK(traces() == 0);
    CHECK(db.run({"participant", "erase", "p-nobody"}).status == 2);  // never erased: no such participant
}

namespace {

// A daemon config with the outbox adapter, for messages that were really sent.
class OutboxFixture {
public:
    explicit OutboxFixture(const std::string& name) : dir_(fs::temp_directory_path() / ("ritme-participant-" + name)) {
        fs::remove_all(dir_);
        fs::create_directories(dir_ / "programmes");
        std::ofstream(dir_ / "programmes" / "tick-test.toml") << test::led_programme_toml("tick-test");
        std::ofstream(config()) << R"(database = "ritme.db"
timezone = "Europe/Amsterdam"
programmes = "programmes"
templates = ")" << test::source_path("config/templates") << R"("

[reminders]
offsets = ["1d@18:00", "1h"]
min_notice = "15m"

[channel.sms]
adapter = "outbox"
dir = "outbox"
print = false
)";
        register_builtin_adapters(registry_);
    }

    Run run(std::vector<std::string> args, bool with_config = true) {
        std::ostringstream out, err;
        ManualClock clock({pt::ptime(make_date(2026, 1, 20), pt::hours(9))});
        CliContext context{out, err, clock, &registry_};
        if (with_config)
            args.insert(args.begin(), {"-c", config()});
        else
            args.insert(args.begin(), {"--db", (dir_ / "ritme.db").string()});
        args.insert(args.begin(), {"--holidays", test::source_path("config/holidays")});
        const int status = run_cli(args, context);
        return {status, out.str(), err.str()};
    }

    std::string config() const { return (dir_ / "ritme.toml").string(); }
    fs::path outbox() const { return dir_ / "outbox"; }
    std::string database() const { return (dir_ / "ritme.db").string(); }

    // The ids of the message files in the outbox folder.
    std::set<std::string> message_files() const {
        std::set<std::string> files;
        for (const auto& entry : fs::directory_iterator(outbox()))
            if (entry.path().extension() == ".txt") files.insert(entry.path().stem().string());
        return files;
    }

    // Two participants, each sent the reminders of Tuesday 3 February: the day-before one
    // and the hour-before one. Returns their ids.
    std::pair<std::string, std::string> two_reminded() {
        REQUIRE(run({"tick", "--now", "2026-01-20T09:00"}).status == 0);  // applies the programme
        const std::string amina = first_line(run({"participant", "add", "--name", "Amina Qwertyuiop", "--phone",
                                                  "0612345678", "--programme", "tick-test"})
                                                 .out);
        const std::string other = first_line(
            run({"participant", "add", "--name", "Other Person", "--phone", "0687654321", "--programme", "tick-test"})
                .out);
        REQUIRE(run({"tick", "--now", "2026-02-02T18:00"}).status == 0);
        REQUIRE(run({"tick", "--now", "2026-02-03T08:30"}).status == 0);
        return {amina, other};
    }

private:
    fs::path dir_;
    ChannelRegistry registry_;
};

}  // namespace

TEST_CASE("export lists every message sent to her with its states and receipts, and nobody else's") {
    OutboxFixture f("export-messages");
    const auto [amina, other] = f.two_reminded();
    auto store = SqliteStore::open(f.database());
    DeliveryQuery hers;
    hers.participant_id = amina;
    const auto deliveries = store->deliveries(hers);
    REQUIRE(deliveries.size() >= 2);
    int64_t receipted = 0;
    for (const auto& d : deliveries)
        if (d.state == DeliveryState::sent) receipted = d.id;
    REQUIRE(receipted != 0);
    store->write([&] {
        store->add_receipt("sms", {receipted, {pt::ptime(make_date(2026, 2, 2), pt::hours(17) + pt::minutes(1))},
                            std::string(receipt_status::accepted_by_smsc), "ACK/", "k8"});
        store->add_receipt("sms", {receipted, {pt::ptime(make_date(2026, 2, 2), pt::hours(17) + pt::minutes(2))},
                            std::string(receipt_status::delivered), "DELIVRD", "k1"});
    });

    const Run exported = f.run({"participant", "export", amina});
    REQUIRE(exported.status == 0);
    const auto json = nlohmann::json::parse(exported.out);
    const auto& messages = json["messages"];
    CHECK(messages.size() == deliveries.size());
    std::set<int64_t> ids;
    for (const auto& d : deliveries) ids.insert(d.id);
    int sent = 0, planned = 0;
    for (const auto& m : messages) {
        CHECK(ids.count(m["id"].get<int64_t>()) == 1);
        CHECK(m["kind"] == "reminder");
        CHECK(m["channel"] == "sms");
        CHECK(m.contains("attempts"));
        CHECK(m.contains("send_at"));
        if (m["state"] == "sent") {
            ++sent;
            CHECK(m["sent_at"].is_string());
            CHECK(m["attempts"] == 1);
        }
        if (m["state"] == "planned") ++planned;
        if (m["id"] == receipted) {
            REQUIRE(m["receipts"].size() == 2);
            CHECK(m["receipts"][0]["status"] == "accepted by the SMS centre");
            CHECK(m["receipts"][1]["status"] == "delivered");
            CHECK(m["receipts"][1]["detail"] == "DELIVRD");
            CHECK(m["provider_status"] == "delivered");
        }
    }
    CHECK(sent == 2);
    CHECK(planned > 0);
    CHECK(exported.out.find(other) == std::string::npos);
    CHECK(exported.out.find("Other Person") == std::string::npos);
    CHECK(exported.out.find("87654321") == std::string::npos);
}

TEST_CASE("erase removes her messages from the outbox folder and leaves the others'") {
    OutboxFixture f("erase-outbox");
    const auto [amina, other] = f.two_reminded();
    auto ids_of = [&](const std::string& id) {
        DeliveryQuery query;
        query.participant_id = id;
        query.states = {DeliveryState::sent};
        std::set<std::string> ids;
        for (const auto& d : SqliteStore::open(f.database())->deliveries(query)) ids.insert(std::to_string(d.id));
        return ids;
    };
    const auto hers = ids_of(amina);
    const auto theirs = ids_of(other);
    REQUIRE(hers.size() == 2);
    REQUIRE(theirs.size() == 2);
    const auto before = f.message_files();
    for (const auto& id : hers) REQUIRE(before.count(id) == 1);  // there before: the check below can fail
    std::string any_file;
    {
        std::ifstream in(f.outbox() / (*hers.begin() + ".txt"));
        any_file.assign(std::istreambuf_iterator<char>(in), {});
    }
    REQUIRE(any_file.find("+31612345678") != std::string::npos);

    const Run erased = f.run({"participant", "erase", amina});
    CHECK(erased.status == 0);
    CHECK(erased.out.find("channel sms: removed 2 of her messages") != std::string::npos);
    const auto after = f.message_files();
    for (const auto& id : hers) CHECK(after.count(id) == 0);
    for (const auto& id : theirs) CHECK(after.count(id) == 1);
    for (const auto& entry : fs::directory_iterator(f.outbox())) {
        std::ifstream in(entry.path());
        const std::string text(std::istreambuf_iterator<char>(in), {});
        CHECK(text.find("12345678") == std::string::npos);
        CHECK(text.find("Qwertyuiop") == std::string::npos);
    }
}

TEST_CASE("erase without a daemon config says the outbox folder was not cleaned, and which files are hers") {
    OutboxFixture f("erase-no-config");
    const auto [amina, other] = f.two_reminded();
    DeliveryQuery query;
    query.participant_id = amina;
    query.states = {DeliveryState::sent};
    const auto hers = SqliteStore::open(f.database())->deliveries(query);
    REQUIRE(hers.size() == 2);
    const auto before = f.message_files();
    const Run erased = f.run({"participant", "erase", amina}, false);
    CHECK(erased.status == 0);
    CHECK(erased.err.find("the outbox folder was not cleaned: no daemon config") != std::string::npos);
    CHECK(erased.err.find("-c or RITME_CONFIG") != std::string::npos);
    for (const auto& d : hers) CHECK(erased.err.find(" " + std::to_string(d.id) + ".txt") != std::string::npos);
    CHECK(f.message_files() == before);
    CHECK_FALSE(SqliteStore::open(f.database())->participant(amina).has_value());
}

TEST_CASE("remove deletes a participant added by mistake, enrolment and all") {
    Fixture db("remove");
    const std::string id = first_line(
        db.run({"participant", "add", "--name", "Typo", "--email", "t@example.nl", "--programme", "almere-vrouwen-2026"}).out);
    CHECK(db.run({"participant", "remove", id}).status == 0);
    auto store = SqliteStore::open(db.database());
    CHECK(store->participants().empty());
    CHECK(store->participants_of("almere-vrouwen-2026").empty());
    CHECK(store->anonymous_enrolments("almere-vrouwen-2026") == 0);
}

TEST_SUITE_END();
