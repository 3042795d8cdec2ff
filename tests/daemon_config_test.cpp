#include "adapters/builtin_adapters.hpp"
#include "adapters/kannel/kannel_channel.hpp"
#include "engine/cli/cli.hpp"
#include "engine/config/config_dump.hpp"
#include "engine/config/config_reader.hpp"
#include "test_support.hpp"

#include <doctest/doctest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <unistd.h>

using namespace ritme;
namespace fs = std::filesystem;
namespace pt = boost::posix_time;

namespace {

// The tests' files, removed when the test program ends.
struct TestDirectory {
    fs::path path = fs::temp_directory_path() / ("ritme-config-test-" + std::to_string(getpid()));
    ~TestDirectory() {
        std::error_code ignored;
        fs::remove_all(path, ignored);
    }
};

// A directory of its own for each test, emptied first.
fs::path fresh_directory(const std::string& name) {
    static const TestDirectory root;
    const fs::path dir = root.path / name;
    fs::remove_all(dir);
    fs::create_directories(dir);
    return dir;
}

fs::path write_file(const fs::path& path, const std::string& text) {
    fs::create_directories(path.parent_path());
    std::ofstream(path) << text;
    return path;
}

class NullChannel : public Channel {
public:
    SendResult send(const OutgoingMessage&) override { return SendResult::accepted(); }
};

// Two adapters with declared settings, standing in for real ones.
ChannelRegistry test_registry() {
    ChannelRegistry registry;
    registry.add({"files",
                  "each message as a file",
                  {{"dir", "", "the directory the files go to", true},
                   {"format", "\"text\"", "text or json", false},
                   {"keep", "30", "days a file is kept", false}},
                  [](const ChannelSettings&) { return std::make_unique<NullChannel>(); }});
    registry.add({"gateway",
                  "an SMS gateway over HTTP",
                  {{"host", "\"127.0.0.1\"", "where the gateway listens", false},
                   {"port", "13013", "its port", false},
                   {"password_file", "", "a file holding the password", true}},
                  [](const ChannelSettings&) { return std::make_unique<NullChannel>(); }});
    return registry;
}

struct Loaded {
    std::optional<DaemonConfig> config;
    Diagnostics diagnostics;

    std::string text() const {
        std::string out;
        for (const auto& d : diagnostics.items()) out += d.str() + "\n";
        return out;
    }
    bool mentions(const std::string& part) const { return text().find(part) != std::string::npos; }
};

Loaded load(const fs::path& file, const ChannelRegistry& registry) {
    Loaded loaded;
    loaded.config = load_daemon_config(file, registry, loaded.diagnostics);
    return loaded;
}

Loaded load_text(const std::string& name, const std::string& toml) {
    const fs::path dir = fresh_directory(name);
    return load(write_file(dir / "ritme.toml", toml), test_registry());
}

const std::string sms_channel = R"(
[channel.sms]
adapter = "files"
dir = "outbox"
)";

// Fields compared one by one: DaemonConfig has no operator==.
void check_same(const DaemonConfig& a, const DaemonConfig& b) {
    CHECK(a.database == b.database);
    CHECK(a.timezone == b.timezone);
    CHECK(a.programmes == b.programmes);
    CHECK(a.schools == b.schools);
    CHECK(a.templates == b.templates);
    CHECK(a.holidays == b.holidays);
    CHECK(a.reminders == b.reminders);
    CHECK(a.listen == b.listen);
    CHECK(a.log_level == b.log_level);
    const DispatchSettings &x = a.dispatch, &y = b.dispatch;
    CHECK(x.batch_size == y.batch_size);
    CHECK(x.workers == y.workers);
    CHECK(x.retry_initial_seconds == y.retry_initial_seconds);
    CHECK(x.retry_max_seconds == y.retry_max_seconds);
    CHECK(x.max_attempts == y.max_attempts);
    CHECK(x.lease_seconds == y.lease_seconds);
    CHECK(x.late_after_seconds == y.late_after_seconds);
    CHECK(x.shutdown_grace_seconds == y.shutdown_grace_seconds);
    REQUIRE(a.channels.size() == b.channels.size());
    for (const auto& [name, channel] : a.channels) {
        CAPTURE(name);
        REQUIRE(b.channels.contains(name));
        const ChannelConfig& other = b.channels.at(name);
        CHECK(channel.adapter == other.adapter);
        CHECK(channel.medium == other.medium);
        CHECK(channel.concurrency == other.concurrency);
        CHECK(channel.rate_per_second == other.rate_per_second);
        CHECK(channel.fallback == other.fallback);
        CHECK(channel.quiet_hours == other.quiet_hours);
        CHECK(channel.settings.values == other.settings.values);
    }
}

struct Run {
    int status;
    std::string out, err;
};

Run ritme_cli(const std::vector<std::string>& args, const ChannelRegistry& registry) {
    std::ostringstream out, err;
    ManualClock clock({pt::ptime(make_date(2026, 3, 5), pt::hours(9))});
    CliContext context{out, err, clock, &registry};
    const int status = run_cli(args, context);
    return {status, out.str(), err.str()};
}

}  // namespace

TEST_SUITE_BEGIN("daemon_config");

TEST_CASE("the shipped config/ritme.toml loads with the built-in adapters") {
    ChannelRegistry registry;
    register_builtin_adapters(registry);
    const fs::path file = test::source_path("config/ritme.toml");
    const Loaded loaded = load(file, registry);
    for (const auto& d : loaded.diagnostics.items())
        if (d.severity == Severity::error) FAIL_CHECK(d.str());
    REQUIRE(loaded.config);
    const DaemonConfig& config = *loaded.config;
    const fs::path source = fs::path(test::source_path("")).lexically_normal();
    CHECK(config.database == source / "var/ritme.db");
    CHECK(config.programmes == source / "config/programmes");
    CHECK(config.schools == source / "config/schools");
    CHECK(config.templates == source / "config/templates");
    CHECK(config.timezone == "Europe/Amsterdam");
    CHECK(config.reminders == ReminderRules::defaults());
    REQUIRE(config.channels.size() == 2);
    REQUIRE(config.channel_for(Medium::sms));
    CHECK(config.channel_for(Medium::sms)->name == "sms");
    CHECK(config.channel_for(Medium::sms)->quiet_hours);
    REQUIRE(config.channel_for(Medium::email));
    CHECK(config.channel_for(Medium::email)->name == "email");
    CHECK_FALSE(config.channel_for(Medium::email)->quiet_hours);
    for (const auto& [name, channel] : config.channels) {
        CHECK(channel.adapter == "outbox");
        CHECK(channel.settings.path("dir") == source / "config/../var/outbox");
    }
}

TEST_CASE("unset settings take their defaults; relative paths start at the config's directory") {
    const fs::path dir = fresh_directory("paths");
    fs::create_directories(dir / "etc/programmes");
    const fs::path file = write_file(dir / "etc/ritme.toml", R"(
database = "../var/lib/ritme.db"
programmes = "programmes"
holidays = "/usr/share/ritme/holidays"

[channel.sms]
adapter = "files"
dir = "../spool"

[channel.email]
adapter = "files"
dir = "/var/spool/ritme"
)");
    const Loaded loaded = load(file, test_registry());
    INFO(loaded.text());
    REQUIRE(loaded.config);
    const DaemonConfig& config = *loaded.config;
    CHECK(config.file == file);
    CHECK(config.database == dir / "var/lib/ritme.db");
    CHECK(config.programmes == dir / "etc/programmes");
    CHECK(config.holidays == "/usr/share/ritme/holidays");  // absolute paths stay as they are
    CHECK(config.schools.empty());
    CHECK(config.templates.empty());
    const ChannelConfig& sms = config.channels.at("sms");
    CHECK(sms.settings.base_directory == dir / "etc");
    CHECK(sms.settings.path("dir").lexically_normal() == dir / "spool");
    CHECK(config.channels.at("email").settings.path("dir") == "/var/spool/ritme");
    // Declared defaults fill in what the table leaves out, unquoted.
    CHECK(sms.settings.values.at("format") == "text");
    CHECK(sms.settings.values.at("keep") == "30");

    const DaemonConfig defaults;
    CHECK(config.timezone == defaults.timezone);
    CHECK(config.listen == defaults.listen);
    CHECK(config.log_level == defaults.log_level);
    CHECK(config.reminders == ReminderRules::defaults());
    CHECK(config.dispatch.batch_size == defaults.dispatch.batch_size);
    CHECK(sms.concurrency == ChannelConfig{}.concurrency);
    CHECK(sms.medium == Medium::sms);
    CHECK(config.channels.at("email").medium == Medium::email);

    const Loaded minimal = load_text("minimal", sms_channel);
    REQUIRE(minimal.config);
    CHECK(minimal.config->database == minimal.config->file.parent_path() / "ritme.db");

    // A URL names a database server, not a file beside the config.
    const Loaded shared = load_text("shared", "database = \"postgresql://ritme@db.example/ritme\"\n" + sms_channel);
    REQUIRE(shared.config);
    CHECK(shared.config->database.string() == "postgresql://ritme@db.example/ritme");
}

TEST_CASE("every setting is read") {
    const Loaded loaded = load_text("all", R"(
timezone = "Europe/London"
listen = "[::1]:9000"
log_level = "debug"

[reminders]
offsets = ["2d@10:00", "3h"]
appointment_offsets = []
quiet_hours = "22:00-07:30"
min_notice = "1h"
min_gap = "4h30m"

[dispatch]
batch_size = 50
workers = 2
retry_initial_seconds = 30
retry_max_seconds = 600
max_attempts = 5
lease_seconds = 120
late_after_seconds = 900
shutdown_grace_seconds = 3

[channel.sms]
adapter = "gateway"
password_file = "secrets/sms"
port = 14000
concurrency = 2
rate = 2.5
fallback = "sms-files"

[channel.sms-files]
adapter = "files"
medium = "sms"
dir = "outbox"
quiet_hours = false

[channel.email]
adapter = "files"
dir = "mail"
quiet_hours = true
)");
    INFO(loaded.text());
    REQUIRE(loaded.config);
    const DaemonConfig& c = *loaded.config;
    CHECK(c.timezone == "Europe/London");
    CHECK(c.listen == "[::1]:9000");
    CHECK(c.log_level == LogLevel::debug);
    REQUIRE(c.reminders.session_offsets.size() == 2);
    CHECK(c.reminders.session_offsets[0].str() == "2d@10:00");
    CHECK(c.reminders.session_offsets[1].str() == "3h");
    CHECK(c.reminders.appointment_offsets.empty());
    CHECK(c.reminders.quiet_hours.str() == "22:00-07:30");
    CHECK(c.reminders.min_notice_minutes == 60);
    CHECK(c.reminders.min_gap_minutes == 270);
    CHECK(c.dispatch.batch_size == 50);
    CHECK(c.dispatch.workers == 2);
    CHECK(c.dispatch.retry_initial_seconds == 30);
    CHECK(c.dispatch.retry_max_seconds == 600);
    CHECK(c.dispatch.max_attempts == 5);
    CHECK(c.dispatch.lease_seconds == 120);
    CHECK(c.dispatch.late_after_seconds == 900);
    CHECK(c.dispatch.shutdown_grace_seconds == 3);
    const ChannelConfig& sms = c.channels.at("sms");
    CHECK(sms.adapter == "gateway");
    CHECK(sms.concurrency == 2);
    CHECK(sms.rate_per_second == 2.5);
    CHECK(sms.fallback == "sms-files");
    CHECK(sms.settings.values.at("port") == "14000");
    CHECK(sms.settings.values.at("host") == "127.0.0.1");
    CHECK(c.channels.at("sms-files").medium == Medium::sms);
    CHECK_FALSE(c.channels.at("sms-files").quiet_hours);
    CHECK(c.channels.at("email").quiet_hours);
    // The fallback is not where SMS starts.
    REQUIRE(c.channel_for(Medium::sms));
    CHECK(c.channel_for(Medium::sms)->name == "sms");
    CHECK(c.channel_for(Medium::email)->name == "email");
}

TEST_CASE("unknown keys are errors at file:line:col with a did-you-mean") {
    const Loaded loaded = load_text("unknown", R"(databse = "x.db"

[reminders]
quiet_hour = "21:00-08:00"

[dispatch]
worker = 4

[channel.sms]
adapter = "files"
dir = "outbox"
formt = "json"
colour = "red"
)");
    INFO(loaded.text());
    CHECK_FALSE(loaded.config);
    CHECK(loaded.diagnostics.error_count() == 5);
    CHECK(loaded.mentions("ritme.toml:1:1: error: top level: unknown key `databse`; did you mean database?"));
    CHECK(loaded.mentions("ritme.toml:4:1: error: [reminders]: unknown key `quiet_hour`; did you mean quiet_hours?"));
    CHECK(loaded.mentions("ritme.toml:7:1: error: [dispatch]: unknown key `worker`; did you mean workers?"));
    // A channel key the adapter does not declare: the closest of its settings, or all of them.
    CHECK(loaded.mentions("ritme.toml:12:1: error: [channel.sms]: unknown key `formt`; did you mean format?"));
    CHECK(loaded.mentions("ritme.toml:13:1: error: [channel.sms]: unknown key `colour` for the files adapter"));
    CHECK(loaded.mentions("dir, format or keep"));
}

TEST_CASE("an unknown adapter lists the known ones") {
    const Loaded loaded = load_text("adapter", R"(
[channel.sms]
adapter = "gatewya"
host = "10.0.0.1"
)");
    CHECK_FALSE(loaded.config);
    CHECK(loaded.diagnostics.error_count() == 1);  // its settings cannot be checked, so only this
    CHECK(loaded.mentions("ritme.toml:3:11: error: [channel.sms]: unknown adapter \"gatewya\": known adapters are "
                          "files, gateway; did you mean gateway?"));
}

TEST_CASE("a channel's required settings, its adapter and its medium must be there") {
    const Loaded loaded = load_text("required", R"(
[channel.sms]
adapter = "files"

[channel.backup]
adapter = "files"
dir = "backup"

[channel.email]
dir = "mail"
)");
    INFO(loaded.text());
    CHECK_FALSE(loaded.config);
    CHECK(loaded.mentions("ritme.toml:2:1: error: [channel.sms]: `dir` is missing; the files adapter needs it"));
    CHECK(loaded.mentions("ritme.toml:5:1: error: [channel.backup]: `medium` is missing"));
    CHECK(loaded.mentions("ritme.toml:9:1: error: [channel.email]: `adapter` is missing"));
}

TEST_CASE("secrets in the config text are refused, without repeating them") {
    const Loaded loaded = load_text("secret", R"(
[channel.sms]
adapter = "gateway"
password_file = "sms.password"
password = "hunter2-secret-value"
api_token = "abc-secret-value"
)");
    INFO(loaded.text());
    CHECK_FALSE(loaded.config);
    CHECK(loaded.diagnostics.error_count() == 2);
    CHECK(loaded.mentions("ritme.toml:5:1: error: [channel.sms]: `password` is a secret"));
    CHECK(loaded.mentions("password_file"));
    CHECK(loaded.mentions("environment"));
    CHECK(loaded.mentions("`api_token` is a secret"));
    CHECK_FALSE(loaded.mentions("secret-value"));
}

TEST_CASE("fallbacks name another channel, and lead somewhere") {
    const Loaded unknown = load_text("fallback", R"(
[channel.sms]
adapter = "files"
dir = "a"
fallback = "sms-bakcup"

[channel.sms-backup]
adapter = "files"
medium = "sms"
dir = "b"
fallback = "sms-backup"
)");
    INFO(unknown.text());
    CHECK(unknown.mentions("ritme.toml:5:12: error: [channel.sms]: `fallback = \"sms-bakcup\"` names no channel; "
                           "did you mean sms-backup?"));
    CHECK(unknown.mentions("[channel.sms-backup]: a channel cannot be its own fallback"));

    const Loaded circle = load_text("circle", R"(
[channel.a]
adapter = "files"
medium = "sms"
dir = "a"
fallback = "b"

[channel.b]
adapter = "files"
medium = "sms"
dir = "b"
fallback = "a"
)");
    INFO(circle.text());
    CHECK(circle.mentions("go round in a circle"));
}

TEST_CASE("one medium starts at one channel") {
    const Loaded loaded = load_text("two-sms", R"(
[channel.sms]
adapter = "files"
dir = "a"

[channel.sms2]
adapter = "files"
medium = "sms"
dir = "b"
)");
    INFO(loaded.text());
    CHECK_FALSE(loaded.config);
    CHECK(loaded.mentions("channels sms or sms2 all carry sms"));
}

TEST_CASE("bad values are reported each at its place, all in one run") {
    const Loaded loaded = load_text("values", R"(
timezone = "Europe/Amsterdm"
listen = "localhost"
log_level = "verbose"

[reminders]
offsets = ["1d@18:00", "2x", "1d@18:00"]
quiet_hours = "21:00"
min_notice = "soon"

[dispatch]
batch_size = 0
retry_initial_seconds = 600
retry_max_seconds = 60

[channel.sms]
adapter = "files"
dir = "outbox"
concurrency = "4"
rate = -1
quiet_hours = "yes"
medium = "pigeon"
)");
    INFO(loaded.text());
    CHECK_FALSE(loaded.config);
    CHECK(loaded.mentions("ritme.toml:2:12: error: top level: `timezone = \"Europe/Amsterdm\"`"));
    CHECK(loaded.mentions("ritme.toml:3:10: error: top level: `listen = \"localhost\"` is not a host and port"));
    CHECK(loaded.mentions("ritme.toml:4:13: error: top level: `log_level = \"verbose\"`"));
    CHECK(loaded.mentions("ritme.toml:7:24: error: [reminders]: `offsets` entry \"2x\" is not an offset; unknown"));
    CHECK(loaded.mentions("ritme.toml:7:30: error: [reminders]: `offsets` lists 1d@18:00 twice"));
    CHECK(loaded.mentions("ritme.toml:8:15: error: [reminders]: `quiet_hours = \"21:00\"` is not usable"));
    CHECK(loaded.mentions("ritme.toml:9:14: error: [reminders]: `min_notice = \"soon\"` is not a duration"));
    CHECK(loaded.mentions("ritme.toml:12:14: error: [dispatch]: `batch_size = 0` is out of range"));
    CHECK(loaded.mentions("ritme.toml:14:21: error: [dispatch]: retry_max_seconds (60) is below"));
    CHECK(loaded.mentions("ritme.toml:19:15: error: [channel.sms]: `concurrency = \"4\"` is not a whole number"));
    CHECK(loaded.mentions("ritme.toml:20:8: error: [channel.sms]: `rate = -1` is not a rate"));
    CHECK(loaded.mentions("ritme.toml:21:15: error: [channel.sms]: `quiet_hours = \"yes\"` is not true or false"));
    CHECK(loaded.mentions("ritme.toml:22:10: error: [channel.sms]: `medium = \"pigeon\"` is not one of sms or email"));
    CHECK(loaded.diagnostics.error_count() == 13);
}

TEST_CASE("a file that cannot be read or is not TOML") {
    const Loaded missing = load("/nonexistent/ritme.toml", test_registry());
    CHECK_FALSE(missing.config);
    CHECK(missing.mentions("/nonexistent/ritme.toml: error: cannot read the config file"));

    const Loaded broken = load_text("broken", "database = \"x\nlisten = 1\n");
    CHECK_FALSE(broken.config);
    CHECK(broken.mentions("ritme.toml:1:"));
    CHECK(broken.mentions("not valid TOML"));
}

TEST_CASE("a directory named in the config that is not there is a warning") {
    const Loaded loaded = load_text("missing-dir", "programmes = \"no-such-dir\"\n" + sms_channel);
    REQUIRE(loaded.config);
    CHECK(loaded.diagnostics.warning_count() == 1);
    CHECK(loaded.mentions("ritme.toml:1:14: warning: `programmes`: there is no directory"));
}

TEST_CASE("the dump of a config loads as the same config") {
    const fs::path dir = fresh_directory("dump");
    const fs::path file = write_file(dir / "ritme.toml", R"(
database = "var/ritme.db"
log_level = "warning"

[reminders]
offsets = ["1d@09:00"]
quiet_hours = "none"
min_notice = "45m"

[dispatch]
workers = 3

[channel.sms]
adapter = "gateway"
password_file = "sms \"password\""
port = 14000
rate = 0.5
fallback = "spare"

[channel.spare]
adapter = "files"
medium = "sms"
dir = "spool"
keep = 7
)");
    const ChannelRegistry registry = test_registry();
    const Loaded original = load(file, registry);
    INFO(original.text());
    REQUIRE(original.config);
    const std::string dump = dump_daemon_config(registry, &*original.config);
    INFO(dump);
    // Every setting is there, with its help.
    CHECK(dump.find("# the adapter that sends this channel's messages") != std::string::npos);
    CHECK(dump.find("# its port (default 13013)\nport = 14000\n") != std::string::npos);
    CHECK(dump.find("[dispatch]\n") != std::string::npos);
    CHECK(dump.find("shutdown_grace_seconds = ") != std::string::npos);

    const Loaded again = load(write_file(dir / "dumped.toml", dump), registry);
    INFO(again.text());
    REQUIRE(again.config);
    CHECK(again.diagnostics.empty());
    check_same(*original.config, *again.config);
    // Paths are written in full, so the dump loads the same from anywhere.
    const Loaded elsewhere = load(write_file(fresh_directory("dump-elsewhere") / "ritme.toml", dump), registry);
    REQUIRE(elsewhere.config);
    CHECK(elsewhere.config->database == original.config->database);
}

TEST_CASE("the dump without a config shows every default and every adapter as a commented example") {
    const ChannelRegistry registry = test_registry();
    const std::string dump = dump_daemon_config(registry, nullptr);
    INFO(dump);
    for (const std::string line : {"# database = \"ritme.db\"", "# timezone = \"Europe/Amsterdam\"",
                                   "# offsets = [\"1d@18:00\", \"2h\"]", "# quiet_hours = \"21:00-08:00\"",
                                   "# min_notice = \"30m\"", "# min_gap = \"6h\"", "# batch_size = 100", "# [channel.files]",
                                   "# [channel.gateway]", "# adapter = \"gateway\"", "# host = \"127.0.0.1\"",
                                   "# password_file = \"…\""})
        CHECK(dump.find(line + "\n") != std::string::npos);
    CHECK(dump.find("# a file holding the password (required)") != std::string::npos);

    const fs::path dir = fresh_directory("dump-defaults");
    const Loaded loaded = load(write_file(dir / "ritme.toml", dump), registry);
    INFO(loaded.text());
    REQUIRE(loaded.config);
    DaemonConfig expected;
    expected.database = dir / "ritme.db";
    check_same(expected, *loaded.config);
}

TEST_CASE("the dump lists the adapters no channel uses as examples beside the channels in use") {
    const ChannelRegistry registry = test_registry();
    const Loaded loaded = load_text("dump-examples", sms_channel);
    REQUIRE(loaded.config);
    const std::string dump = dump_daemon_config(registry, &*loaded.config);
    INFO(dump);
    CHECK(dump.find("\n[channel.sms]\nadapter = \"files\"") == std::string::npos);  // help comes first
    CHECK(dump.find("\n[channel.sms]\n") != std::string::npos);
    CHECK(dump.find("\n# [channel.gateway]\n") != std::string::npos);
    CHECK(dump.find("[channel.files]") == std::string::npos);  // its adapter is in use
}

TEST_CASE("ritme config check and dump") {
    const ChannelRegistry registry = test_registry();
    const fs::path dir = fresh_directory("cli");
    const fs::path good = write_file(dir / "good.toml", sms_channel + R"(
[channel.email]
adapter = "files"
dir = "mail"
)");
    const Run ok = ritme_cli({"config", "check", "-c", good.string()}, registry);
    INFO(ok.err);
    CHECK(ok.status == exit_ok);
    CHECK(ok.out.rfind("config OK: 2 channels (email via files, sms via files)", 0) == 0);
    CHECK(ritme_cli({"-c", good.string(), "config", "check"}, registry).status == exit_ok);

    const fs::path bad = write_file(dir / "bad.toml", "databse = 1\n[reminders]\noffsets = [\"2x\"]\n");
    const Run failed = ritme_cli({"config", "check", "-c", bad.string()}, registry);
    CHECK(failed.status == exit_bad_input);
    CHECK(failed.out.empty());
    CHECK(failed.err.find("bad.toml:1:1: error: top level: unknown key `databse`") != std::string::npos);
    CHECK(failed.err.find("bad.toml:3:12: error: [reminders]: `offsets` entry \"2x\"") != std::string::npos);

    const Run dumped = ritme_cli({"config", "dump", "-c", good.string()}, registry);
    CHECK(dumped.status == exit_ok);
    const Loaded again = load(write_file(dir / "dumped.toml", dumped.out), registry);
    INFO(again.text());
    REQUIRE(again.config);
    // The dump shows what ritme uses: a config that names no templates gets the shipped ones.
    CHECK_FALSE(again.config->templates.empty());
    auto original = *load(good, registry).config;
    original.templates = again.config->templates;
    check_same(original, *again.config);

    CHECK(ritme_cli({"config"}, registry).status == exit_bad_input);
}

TEST_CASE("an adapter's refusal of a setting is at the key's file:line:col, or at its table when not written") {
    ChannelRegistry registry;
    register_builtin_adapters(registry);
    ::setenv("RITME_CONFIG_TEST_PASSWORD", "geheim", 1);
    ::unsetenv("RITME_CONFIG_TEST_UNSET");
    struct Case {
        std::string toml;
        std::string expected;
    };
    const Case cases[] = {
        {"[channel.sms]\nadapter = \"outbox\"\ndir = \"outbox\"\nprint = \"maybe\"\n",
         "ritme.toml:4:9: error: [channel.sms]: `print = maybe` is not true or false"},
        {"[channel.sms]\nadapter = \"kannel\"\nurl = \"http://127.0.0.1:13013/cgi-bin/sendsms\"\nusername = \"r\"\n"
         "password_env = \"RITME_CONFIG_TEST_PASSWORD\"\ntimeout_seconds = 0\n",
         "ritme.toml:6:19: error: [channel.sms]: `timeout_seconds = 0` is out of range"},
        {"[channel.sms]\nadapter = \"kannel\"\nurl = \"http://127.0.0.1:13013/cgi-bin/sendsms\"\nusername = \"r\"\n"
         "password_env = \"RITME_CONFIG_TEST_UNSET\"\n",
         "ritme.toml:5:16: error: [channel.sms]: `password_env = \"RITME_CONFIG_TEST_UNSET\"` names an environment "
         "variable that is not set"},
        {"[channel.sms]\nadapter = \"kannel\"\nurl = \"http://127.0.0.1:13013/cgi-bin/sendsms\"\nusername = \"r\"\n",
         "ritme.toml:1:1: error: [channel.sms]: the kannel adapter needs the sendsms-user's password"},
        {"[channel.email]\nadapter = \"smtp\"\nurl = \"http://relay.example\"\nfrom = \"noreply@gemeente.example\"\n",
         "ritme.toml:3:7: error: [channel.email]: `url = \"http://relay.example\"` is not an SMTP URL"},
        {"[channel.sms]\nadapter = \"http\"\npreset = \"twillio\"\n",
         "ritme.toml:3:10: error: [channel.sms]: `preset = \"twillio\"` is not a shipped provider"},
        {"[channel.sms]\nadapter = \"command\"\ncommand = \"absent.sh\"\n",
         "ritme.toml:3:11: error: [channel.sms]: `command = \"absent.sh\"`"},
    };
    for (const Case& c : cases) {
        const fs::path file = write_file(fresh_directory("adapter-positions") / "ritme.toml", c.toml);
        INFO(c.toml);
        // The reader takes the settings as written; the adapter refuses them when the
        // channel is made: by `config check`, and by tick and serve before they start.
        REQUIRE(load(file, registry).config);
        const Run checked = ritme_cli({"config", "check", "-c", file.string()}, registry);
        INFO(checked.err);
        CHECK(checked.status == exit_bad_input);
        CHECK(checked.err.find(c.expected) != std::string::npos);
        const Run ticked = ritme_cli({"tick", "-c", file.string()}, registry);
        INFO(ticked.err);
        CHECK(ticked.status == exit_bad_input);
        CHECK(ticked.err.find(c.expected) != std::string::npos);
    }
}

TEST_CASE("a secret written inside a gateway's url is refused at its file:line:col, without repeating it") {
    ChannelRegistry registry;
    register_builtin_adapters(registry);
    ::setenv("RITME_CONFIG_TEST_PASSWORD", "geheim", 1);
    struct Case {
        std::string toml;
        std::string expected;
    };
    const std::string kannel = "[channel.sms]\nadapter = \"kannel\"\nusername = \"r\"\n"
                               "password_env = \"RITME_CONFIG_TEST_PASSWORD\"\n";
    const std::string http = "[channel.sms]\nadapter = \"http\"\npreset = \"messagebird\"\n"
                             "token_env = \"RITME_CONFIG_TEST_PASSWORD\"\nfrom = \"Gemeente\"\n";
    const Case cases[] = {
        {kannel + "url = \"http://ritme:s3cr3t@127.0.0.1:13013/cgi-bin/sendsms\"\n",
         "ritme.toml:5:7: error: [channel.sms]: `url` holds a secret in the config text (a password in its "
         "user:password@ part); put it in password_file / token_file"},
        {kannel + "url = \"http://127.0.0.1:13013/cgi-bin/sendsms?pass=s3cr3t\"\n",
         "ritme.toml:5:7: error: [channel.sms]: `url` holds a secret in the config text (the query parameter "
         "`pass`)"},
        {kannel + "url = \"http://127.0.0.1:13013/cgi-bin/sendsms\"\n"
                  "dlr_url = \"http://127.0.0.1:8470/receipts/kannel?delivery={delivery}&auth=s3cr3t\"\n",
         "ritme.toml:6:11: error: [channel.sms]: `dlr_url` holds a secret in the config text (the query parameter "
         "`auth`)"},
        {http + "url = \"https://rest.messagebird.com/messages?access_key=s3cr3t\"\n",
         "ritme.toml:6:7: error: [channel.sms]: `url` holds a secret in the config text (the query parameter "
         "`access_key`)"},
        {http + "report_url = \"https://ritme.example/receipts?delivery={delivery}&signature=s3cr3t\"\n",
         "ritme.toml:6:14: error: [channel.sms]: `report_url` holds a secret in the config text (the query "
         "parameter `signature`)"},
    };
    for (const Case& c : cases) {
        const fs::path file = write_file(fresh_directory("url-secrets") / "ritme.toml", c.toml);
        INFO(c.toml);
        REQUIRE(load(file, registry).config);
        const Run checked = ritme_cli({"config", "check", "-c", file.string()}, registry);
        INFO(checked.err);
        CHECK(checked.status == exit_bad_input);
        CHECK(checked.err.find(c.expected) != std::string::npos);
        CHECK(checked.err.find("s3cr3t") == std::string::npos);
        CHECK(checked.out.find("s3cr3t") == std::string::npos);
    }
}

TEST_CASE("a kannel channel's default dlr_url starts where ritme is called: public_url, else http://LISTEN") {
    ChannelRegistry registry;
    register_builtin_adapters(registry);
    ::setenv("RITME_CONFIG_TEST_PASSWORD", "geheim", 1);
    const std::string kannel = "[channel.sms]\nadapter = \"kannel\"\nurl = \"http://127.0.0.1:13013/cgi-bin/sendsms\"\n"
                               "username = \"r\"\npassword_env = \"RITME_CONFIG_TEST_PASSWORD\"\n";
    const auto dlr_url_of = [&](const std::string& name, const std::string& toml) {
        const Loaded loaded = load(write_file(fresh_directory(name) / "ritme.toml", toml), registry);
        INFO(loaded.text());
        REQUIRE(loaded.config);
        return kannel_dlr_url(read_kannel_settings(loaded.config->channels.at("sms").settings), 7);
    };
    CHECK(dlr_url_of("dlr-listen", "listen = \"127.0.0.1:9999\"\n" + kannel) ==
          "http://127.0.0.1:9999/receipts/sms?delivery=7&type=%d&reply=%A&token=");
    CHECK(dlr_url_of("dlr-default", kannel) == "http://127.0.0.1:8470/receipts/sms?delivery=7&type=%d&reply=%A&token=");
    // Behind a reverse proxy under a path: Kannel on another host calls the public URL.
    CHECK(dlr_url_of("dlr-public", "public_url = \"https://ritme.example.nl/ritme/\"\n" + kannel) ==
          "https://ritme.example.nl/ritme/receipts/sms?delivery=7&type=%d&reply=%A&token=");
    // A dlr_url written out wins over both.
    CHECK(dlr_url_of("dlr-own", "listen = \"127.0.0.1:9999\"\npublic_url = \"https://ritme.example.nl\"\n" + kannel +
                                    "dlr_url = \"http://10.0.0.5:8080/dlr?delivery={delivery}&type=%d\"\n") ==
          "http://10.0.0.5:8080/dlr?delivery=7&type=%d");
    // {public_url} may start an operator's own dlr_url too.
    CHECK(dlr_url_of("dlr-own-public", "listen = \"127.0.0.1:9999\"\n" + kannel +
                                           "dlr_url = \"{public_url}/dlr?delivery={delivery}&type=%d\"\n") ==
          "http://127.0.0.1:9999/dlr?delivery=7&type=%d");
}

TEST_CASE("callback_base_url: a wildcard listen address is called on loopback; public_url without its trailing slash") {
    DaemonConfig config;
    CHECK(config.callback_base_url() == ChannelSettings().callback_base_url);  // the same default on both sides
    config.listen = "0.0.0.0:9999";
    CHECK(config.callback_base_url() == "http://127.0.0.1:9999");
    config.listen = "[::]:9999";
    CHECK(config.callback_base_url() == "http://[::1]:9999");
    config.listen = "[::1]:9999";
    CHECK(config.callback_base_url() == "http://[::1]:9999");
    config.listen = "localhost:9999";
    CHECK(config.callback_base_url() == "http://localhost:9999");
    config.listen = "0.0.0.0:9999";
    config.public_url = "https://ritme.example.nl/ritme/";
    CHECK(config.callback_base_url() == "https://ritme.example.nl/ritme");

    ChannelSettings settings;
    settings.channel = "sms";
    DaemonConfig wildcard;
    wildcard.listen = "0.0.0.0:9999";
    settings.callback_base_url = wildcard.callback_base_url();
    settings.values = {{"url", "http://127.0.0.1:13013/cgi-bin/sendsms"},
                       {"username", "r"},
                       {"password_env", "RITME_CONFIG_TEST_PASSWORD"}};
    ::setenv("RITME_CONFIG_TEST_PASSWORD", "geheim", 1);
    CHECK(kannel_dlr_url(read_kannel_settings(settings), 7) ==
          "http://127.0.0.1:9999/receipts/sms?delivery=7&type=%d&reply=%A&token=");
}

TEST_SUITE_END();
