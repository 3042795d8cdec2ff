#include "tests/fuzz/fuzz_entries.hpp"

#include "adapters/builtin_adapters.hpp"
#include "adapters/callback_proof.hpp"
#include "adapters/http/http_channel.hpp"
#include "adapters/http/provider_callbacks.hpp"
#include "adapters/http/provider_preset.hpp"
#include "engine/calendar/checks.hpp"
#include "engine/calendar/html_calendar.hpp"
#include "engine/calendar/ics_calendar.hpp"
#include "engine/calendar/json_calendar.hpp"
#include "engine/calendar/programme_calendar.hpp"
#include "engine/calendar/text_calendar.hpp"
#include "engine/changes/follow_up_changes.hpp"
#include "engine/changes/lead_changes.hpp"
#include "engine/channel/channel_registry.hpp"
#include "engine/config/config_reader.hpp"
#include "engine/daemon/daemon_setup.hpp"
#include "engine/daemon/gateway_calls.hpp"
#include "engine/holidays/ics_closures.hpp"
#include "engine/holidays/school_holidays.hpp"
#include "engine/holidays/school_loader.hpp"
#include "engine/http/http_request.hpp"
#include "engine/http/http_routes.hpp"
#include "engine/message/answer_reading.hpp"
#include "engine/message/answer_words.hpp"
#include "engine/message/message_renderer.hpp"
#include "engine/participants/participant_csv.hpp"
#include "engine/programme/programme_loader.hpp"
#include "engine/store/memory_store.hpp"
#include "engine/time/local_time_text.hpp"
#include "engine/time/time_zone.hpp"

#include <nlohmann/json.hpp>

#include <array>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <stdexcept>
#include <string>
#include <tuple>
#include <variant>
#include <vector>

namespace ritme::fuzz {

namespace fs = std::filesystem;

namespace {

// The shipped files an input is read beside: the source tree's config/.
fs::path shipped(const std::string& relative) { return fs::path(RITME_SOURCE_DIR) / "config" / relative; }

// A directory of this process's own, laid out like a config directory, so an input is
// read from a file the way the CLI reads it and its relative paths resolve like a real
// file's: programmes/ (with ../schools/ beside it, holding the shipped school calendar)
// and templates/ with the shipped nl and en templates. Removed at exit.
class Scratch {
public:
    Scratch() {
        std::string pattern = (fs::temp_directory_path() / "ritme-fuzz-XXXXXX").string();
        if (!mkdtemp(pattern.data())) throw std::runtime_error("cannot make a scratch directory in " + pattern);
        root_ = pattern;
        for (const char* folder : {"programmes", "schools", "providers", "templates/tr", "answers/tr"})
            fs::create_directories(root_ / folder);
        fs::copy(shipped("schools/studiedagen-de-regenboog.ics"), root_ / "schools");
        for (const char* language : {"nl", "en"})
            fs::copy(shipped("templates") / language, root_ / "templates" / language, fs::copy_options::recursive);
        // A channel's secrets, readable by their owner only, or the adapters refuse them;
        // the token a GUID, as some presets ask.
        for (const auto& [name, secret] : {std::pair{"token", "0f8fad5b-d9cb-469f-a165-70867728950e"},
                                           std::pair{"password", "correct horse battery"}}) {
            const fs::path file = write(std::string(name) + ".secret", secret);
            fs::permissions(file, fs::perms::owner_read | fs::perms::owner_write);
        }
    }
    ~Scratch() {
        std::error_code ignored;
        fs::remove_all(root_, ignored);
    }
    Scratch(const Scratch&) = delete;
    Scratch& operator=(const Scratch&) = delete;

    const fs::path& root() const { return root_; }

    // Writes `text` to `relative` under the scratch directory, replacing what was there.
    fs::path write(const fs::path& relative, std::string_view text) const {
        const fs::path file = root_ / relative;
        std::ofstream out(file, std::ios::binary | std::ios::trunc);
        out.write(text.data(), static_cast<std::streamsize>(text.size()));
        if (!out) throw std::runtime_error("cannot write " + file.string());
        return file;
    }

private:
    fs::path root_;
};

const Scratch& scratch() {
    static const Scratch directory;
    return directory;
}

const SchoolHolidayTable& school_holidays() {
    static Diagnostics ignored;
    static const SchoolHolidayTable table = SchoolHolidayTable::load_directory(shipped("holidays").string(), ignored);
    return table;
}

const ChannelRegistry& registry() {
    static const ChannelRegistry adapters = [] {
        ChannelRegistry made;
        register_builtin_adapters(made);
        return made;
    }();
    return adapters;
}

const TimeZone& amsterdam() {
    static const TimeZone zone = TimeZone::load("Europe/Amsterdam");
    return zone;
}

// The day a fuzzed school's recurring closures are expanded from (as `apply` does from today).
const Date today = make_date(2026, 9, 1);

}  // namespace

void fuzz_programme(std::string_view input) {
    // `ritme check FILE`: the file, the slots of what did read, then the calendar.
    const fs::path file = scratch().write("programmes/programme.toml", input);
    ProgrammeLoad load = load_programme_file(file.string());
    if (load.status == LoadStatus::invalid && load.partial) {
        Diagnostics all = load.diagnostics;
        check_slots(load.partial->programme, all, load.partial->school_hours_read);
    }
    if (load.status != LoadStatus::ok || !load.programme) return;
    const ProgrammeCalendar plan = build_programme_calendar(std::move(*load.programme), school_holidays());
    // `ritme calendar FILE --format …`: every output format.
    const UtcInstant stamp{boost::posix_time::ptime(today, boost::posix_time::hours(8))};
    (void)render_text_calendar(plan);
    (void)render_ics_calendar(plan, stamp);
    (void)render_html_calendar(plan, today, Language::nl);
    (void)calendar_json(plan).dump(2);
}

void fuzz_school(std::string_view input) {
    // `ritme apply` on a school file beside its .ics.
    const fs::path file = scratch().write("schools/school.toml", input);
    if (!is_school_file(input)) return;
    (void)load_school_text(input, file.string(), file.parent_path().string(), today);
}

void fuzz_ics(std::string_view input) {
    // A school's calendar as its school file names it: expanded for ten years.
    const fs::path file = scratch().write("schools/fuzz.ics", input);
    (void)read_ics_closures(file.string(), today, today + boost::gregorian::years(10));
}

void fuzz_daemon_config(std::string_view input) {
    // `ritme config check -c FILE`, and what every verb reads first.
    const fs::path file = scratch().write("ritme.toml", input);
    Diagnostics diagnostics;
    (void)load_daemon_config(file, registry(), diagnostics);
}

void fuzz_provider_preset(std::string_view input) {
    Diagnostics diagnostics;
    const auto preset = ProviderPreset::parse(input, "fuzz.toml", "fuzz", diagnostics);
    if (!preset) return;

    // The provider's answers as a send reads them.
    std::vector<HttpResponse> answers(4);
    answers[0].status = 200;
    answers[0].body = R"({"id":"SM1","messages":[{"id":"m1","status":0}],"details":[{"messageId":"x"}]})";
    answers[1].status = 400;
    answers[1].body = R"({"code":21211,"message":"Invalid 'To' Phone Number: +31612345678","errorCode":"2"})";
    answers[2].status = 503;
    answers[2].body = "<html>unavailable</html>";
    answers[3].transport_error = "Operation timed out";
    answers[3].timed_out = true;
    for (const HttpResponse& answer : answers) (void)preset->read_answer(answer, "+31612345678");

    // A channel of the http adapter using this preset, made as `config check` and `serve`
    // make it: the preset read from its file, the channel's values matched against its
    // patterns; then the request for a message.
    ChannelSettings settings;
    settings.channel = "sms";
    settings.base_directory = scratch().root();
    settings.values = {{"preset", scratch().write("providers/fuzz.toml", input).string()},
                       {"url", ""},
                       {"timeout_seconds", "10"},
                       {"ca_file", ""}};
    const std::array<std::pair<std::string_view, std::string_view>, 6> samples = {{
        {"from", "Ritme"},
        {"account", "AC0123456789abcdef0123456789abcdef"},
        {"username", "ritme-gemeente"},
        {"token", ""},     // from the scratch directory's token.secret
        {"password", ""},  // likewise
        {"report_url", "https://ritme.example.nl/receipt/{delivery}"},
    }};
    for (const auto& [name, value] : samples) {
        if (!preset->uses(name) && !preset->setting_rules().contains(name)) continue;
        const std::string key(name);
        if (value.empty())
            settings.values[key + "_file"] = (scratch().root() / (key + ".secret")).string();
        else
            settings.values[key] = std::string(value);
    }
    std::unique_ptr<Channel> channel;
    try {
        channel = registry().make("http", settings);
    } catch (const ChannelConfigError&) {
        return;  // the preset does not fit the channel: `config check` says why
    }
    const auto* http = dynamic_cast<const HttpProviderChannel*>(channel.get());
    if (!http) throw std::logic_error("the http adapter made another kind of channel");
    OutgoingMessage message;
    message.delivery_id = 42;
    message.channel = "sms";
    message.to = "+31612345678";
    message.language = "nl";
    message.kind = "reminder";
    for (const char* text : {"Herinnering: di 3 mrt 09:30 Wijkcentrum De Schakel, \"Kerkstraat\" 1 & 2",
                             "Нагадування: вт 3 бер 09:30, Wijkcentrum De Schakel. Чекаємо на вас! {{to}} %s \\u0000"}) {
        message.text = text;
        (void)http->request_for(message);
    }
}

void fuzz_participant_csv(std::string_view input) {
    // `ritme participant import FILE`, with one school the cells may name.
    const fs::path file = scratch().write("participants.csv", input);
    const std::vector<std::string> schools{"de-regenboog"};
    (void)read_participant_csv_file(file.string(), schools);
}

void fuzz_template(std::string_view input) {
    // A language's templates as `serve` loads them: here every kind in "tr" has the input's
    // text, beside the shipped nl and en; then each kind rendered for SMS and e-mail.
    for (const std::string& name : template_names()) scratch().write("templates/tr/" + name + ".mustache", input);
    Diagnostics diagnostics;
    const auto renderer = MessageRenderer::load(scratch().root() / "templates", diagnostics);
    if (!renderer) return;
    MessageFacts facts;
    facts.first_name = "Fatima-Zahra";
    facts.start = LocalDateTime{make_date(2026, 3, 3), TimeOfDay::hm(9, 30)};
    facts.end = TimeOfDay::hm(11, 30);
    facts.location_name = "Wijkcentrum De Schakel";
    facts.location_address = "Kerkstraat 1, Almere";
    facts.lead_name = "Saskia";
    facts.lead_phone = "+31612345678";
    facts.note = "Bus 4 tot halte Stadhuis";
    facts.session_number = 14;
    std::vector<MessageFacts> messages;
    for (DeliveryKind kind : {DeliveryKind::reminder, DeliveryKind::appointment, DeliveryKind::alert}) {
        facts.kind = kind;
        messages.push_back(facts);
    }
    facts.kind = DeliveryKind::change;
    facts.previous_start = LocalDateTime{make_date(2026, 3, 2), TimeOfDay::hm(13, 0)};
    for (const char* change : {"moved", "cancelled", "restored"}) {
        facts.change = change;
        messages.push_back(facts);
    }
    facts.kind = DeliveryKind::reminder;  // a reminder a move notice was joined into
    facts.change = "moved";
    messages.push_back(facts);
    for (const MessageFacts& message : messages)
        for (Medium medium : {Medium::sms, Medium::email}) (void)renderer->render(message, "tr", medium);
}

void fuzz_cli_time(std::string_view input) {
    // An argument ends at its first NUL byte.
    const std::string_view argument = input.substr(0, input.find('\0'));
    // `tick --now`, `simulate --from/--until`: an instant, printed back as the CLI prints times.
    if (const auto instant = parse_instant(argument, amsterdam())) {
        (void)instant->iso();
        (void)iso_with_offset(*instant, amsterdam());
    }
    // `session move --to`, `appointment add --at`, `appointment move --to`: a local time,
    // converted in the programme's zone.
    if (const auto local = parse_local_date_and_time(argument)) {
        (void)day_and_date(local->date);
        if (const auto instant = amsterdam().to_utc(*local, session_time_policy).instant)
            (void)iso_with_offset(*instant, amsterdam());
    }
}

void fuzz_answer_words(std::string_view input) {
    // `serve` reads templates/LANG/answers.toml for every language: here "tr" has the
    // input, beside the shipped nl file; then texts as participants send them, and the
    // input itself as a text, are read with the words.
    scratch().write("answers/tr/answers.toml", input);
    Diagnostics diagnostics;
    const auto words = AnswerWords::load(scratch().root() / "answers", diagnostics);
    if (!words) return;
    for (const std::string_view text : {std::string_view("NEE"), std::string_view("Evet, geliyorum!"),
                                        std::string_view("  Hayır 🙏 "), std::string_view("1"), input}) {
        const std::string folded = fold_answer_text(text);
        for (const char* language : {"tr", "tr-CY", "nl", "so"}) (void)words->meaning(folded, language);
    }
    for (const std::string& language : words->languages())
        for (AnswerReading reading :
             {AnswerReading::cannot_come, AnswerReading::coming, AnswerReading::stop, AnswerReading::start})
            (void)words->words(language, reading);
}

namespace {

// The daemon as its HTTP interface meets a call: a config directory of its own (site/)
// with the almere programme, the shipped templates and answer words, and a channel for
// each gateway that calls ritme: Kannel (sms) and one http channel per shipped preset,
// chained as fallbacks so each is a channel of its own; all share one callback token.
const std::string_view site_config = R"(database = "ritme.db"
timezone = "Europe/Amsterdam"
programmes = "programmes"
templates = "templates"
listen = "127.0.0.1:8470"

[channel.sms]
adapter = "kannel"
fallback = "twilio"
url = "http://127.0.0.1:13013/cgi-bin/sendsms"
username = "ritme"
password_file = "secrets/password"
from = "Gemeente"
receipt_token_file = "secrets/callback"
dlr_url = "http://127.0.0.1:8470/receipts/{channel}?delivery={delivery}&type=%d&reply=%A&token={token}"

[channel.twilio]
adapter = "http"
medium = "sms"
fallback = "messagebird"
preset = "twilio"
from = "Gemeente"
account = "AC5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e"
token_file = "secrets/token"

[channel.messagebird]
adapter = "http"
medium = "sms"
fallback = "cm"
preset = "messagebird"
from = "Gemeente"
token_file = "secrets/token"
callback_token_file = "secrets/callback"

[channel.cm]
adapter = "http"
medium = "sms"
fallback = "spryng"
preset = "cm"
from = "Gemeente"
token_file = "secrets/token"
callback_token_file = "secrets/callback"

[channel.spryng]
adapter = "http"
medium = "sms"
fallback = "email"
preset = "spryng"
from = "Gemeente"
token_file = "secrets/token"
callback_token_file = "secrets/callback"

[channel.email]
adapter = "outbox"
dir = "outbox"
)";

constexpr std::string_view api_token = "0f8fad5b-d9cb-469f-a165-70867728950e";
constexpr std::string_view callback_token = "c4llb4ck-0123456789abcdef0123";
constexpr std::string_view programme_id = "almere-vrouwen-2026";

// A Monday in the track's first week, 13:00 in Amsterdam.
UtcInstant site_now() { return UtcInstant{boost::posix_time::ptime(make_date(2026, 2, 2), boost::posix_time::hours(12))}; }

struct HttpSite {
    DaemonSetup setup;
    std::ostringstream log_text;
    Log log{log_text, LogLevel::debug, [] { return std::string("T"); }};

    HttpSite() {
        const fs::path root = scratch().root() / "site";
        for (const char* folder : {"programmes", "secrets"}) fs::create_directories(root / folder);
        fs::copy(shipped("programmes/almere-vrouwen-2026.toml"), root / "programmes");
        fs::copy(shipped("templates"), root / "templates", fs::copy_options::recursive);
        for (const auto& [name, secret] : {std::pair{"token", api_token}, std::pair{"callback", callback_token},
                                           std::pair{"password", std::string_view("correct horse battery")}}) {
            const fs::path file = scratch().write(fs::path("site/secrets") / name, secret);
            fs::permissions(file, fs::perms::owner_read | fs::perms::owner_write);
        }
        const fs::path config_file = scratch().write("site/ritme.toml", site_config);
        Diagnostics problems;
        auto config = load_daemon_config(config_file, registry(), problems);
        std::optional<DaemonSetup> loaded;
        if (config) loaded = load_daemon_setup(*config, registry(), shipped("holidays").string(), site_now(), problems);
        if (!loaded || problems.has_errors()) {
            std::string why;
            for (const auto& problem : problems.items()) why += problem.str() + "\n";
            throw std::runtime_error("the fuzz site does not load:\n" + why);
        }
        setup = std::move(*loaded);
    }

    // What the lead's pages are given, as the daemon gives it (daemon.cpp).
    PageSetup page_setup() const {
        PageSetup page;
        page.school_holidays = setup.holidays.get();
        MessagePlanning planning;
        planning.rules = setup.rules;
        planning.renderer = setup.renderer ? &*setup.renderer : nullptr;
        for (const auto& [name, channel] : setup.config.channels) planning.channel_media.emplace(name, channel.medium);
        planning.timezone = setup.config.timezone;
        page.planning = std::move(planning);
        page.follow_up = follow_up_setup_from(setup.config);
        return page;
    }
};

HttpSite& http_site() {
    static HttpSite site;
    return site;
}

// The store as every call finds it, made once: the programme applied and planned, two
// participants, a lead signed in, a sign-in link unused; and the placeholders' values.
struct HttpPrepared {
    MemoryStore store;
    std::map<std::string, std::string> placeholders;

    HttpPrepared() {
        HttpSite& site = http_site();
        (void)apply_and_plan(store, site.setup, site_now(), "fuzz");
        for (const auto& [id, phone, language] : {std::tuple{"p-amina", "+31612345678", "nl"},
                                                  std::tuple{"p-olena", "+31687654321", "uk"}}) {
            Participant p;
            p.id = id;
            p.name = id;
            p.phone = phone;
            p.language = language;
            p.channels = {true, false};
            p.children_in_care = 1;
            store.write([&] {
                store.put_participant(p);
                store.enrol(p.id, std::string(programme_id));
            });
        }
        const AuditContext audit{site_now(), "fuzz", "lead add"};
        const auto lead = add_lead(store, {"Ans", "ans@example.org", std::nullopt}, {std::string(programme_id)}, audit);
        const std::string base = site.setup.config.callback_base_url();
        auto link_token = [&] {
            const auto link = make_sign_in_link(store, lead.value.id, base, audit);
            return link.value.url.substr(link.value.url.find("token=") + 6);
        };
        const auto session = sign_in(store, link_token(), site_now());
        if (!lead.ok() || !session) throw std::runtime_error("the fuzz site's lead cannot sign in");
        placeholders = {{"@TOKEN@", std::string(callback_token)},
                        {"@SESSION@", session->token},
                        {"@CSRF@", LeadAccess::csrf_token({session->lead, session->token})},
                        {"@LINK@", link_token()},
                        {"@SESSION_ID@", std::to_string(store.sessions(std::string(programme_id)).front().id)},
                        {"@PARTICIPANT@", "p-amina"}};
    }
};

const HttpPrepared& http_prepared() {
    static const HttpPrepared prepared;
    return prepared;
}

// One call's world: a copy of the prepared store (a form post may change it, and the next
// input must find it as it was), the daemon's routes and what takes gateways' calls.
struct HttpWorld {
    MemoryStore store{http_prepared().store};
    MetricsRegistry metrics;
    GatewayCalls calls{store, http_site().setup, http_site().log};
    HttpRoutes routes{store, http_site().log, metrics,
                      [this](const std::string& channel, const std::vector<ReceiptReport>& reports, UtcInstant now) {
                          (void)calls.receipts(channel, reports, now);
                      },
                      [this](const std::string& channel, const InboundText& text, UtcInstant now) {
                          calls.inbound(channel, text, now);
                      }};

    HttpWorld() {
        routes.use(http_site().setup.config, http_site().setup.channels);
        routes.programme_pages().use(http_site().page_setup());
    }

    static std::string with_placeholders(std::string_view input) {
        std::string out(input);
        auto replace = [&out](std::string_view placeholder, const std::string& value) {
            for (size_t at = out.find(placeholder); at != std::string::npos; at = out.find(placeholder, at + value.size()))
                out.replace(at, placeholder.size(), value);
        };
        for (const auto& [placeholder, value] : http_prepared().placeholders) replace(placeholder, value);
        // @LENGTH@: the number of bytes after the header's end, for a Content-Length.
        const size_t header_end = out.find("\r\n\r\n");
        if (header_end != std::string::npos)
            replace("@LENGTH@", std::to_string(out.size() - header_end - 4));
        return out;
    }
};

// The proof a gateway would send for the request as parsed, where the input asks for it.
void sign(CallbackRequest& request) {
    for (auto& [name, value] : request.headers) {
        if (value != "@SIGN@") continue;
        if (name == "x-twilio-signature") {
            value = twilio_signature(api_token, request.public_url, request.form());
        } else if (name == "messagebird-signature-jwt") {
            const long long at =
                (request.received_at.utc - boost::posix_time::ptime(make_date(1970, 1, 1))).total_seconds();
            nlohmann::json claims{{"iss", "MessageBird"}, {"nbf", at - 10}, {"exp", at + 300}, {"jti", "fuzz"},
                                  {"url_hash", sha256_hex(request.public_url)}};
            if (!request.body.empty()) claims["payload_hash"] = sha256_hex(request.body);
            const std::string signed_part = base64url_encode(R"({"alg":"HS256","typ":"JWT"})") + "." +
                                            base64url_encode(claims.dump());
            value = signed_part + "." + base64url_encode(hmac_sha256(callback_token, signed_part));
        }
    }
}

}  // namespace

void fuzz_http_request(std::string_view input) {
    HttpWorld world;
    const std::string bytes = world.with_placeholders(input);
    // As the server reads a connection: the parser with its limits, fed what came, then
    // the end of the stream.
    HttpRequestParser parser;
    limit_request(parser, HttpLimits{});
    boost::beast::error_code error;
    std::string_view rest = bytes;
    while (!rest.empty() && !parser.is_done()) {
        const size_t used = parser.put(boost::asio::buffer(rest.data(), rest.size()), error);
        rest.remove_prefix(used);
        if (error == boost::beast::http::error::need_more) {
            error = {};
            break;
        }
        if (error || used == 0) break;
    }
    // The end of the stream, as Beast's read reports it: only after some bytes (an empty
    // connection just closes).
    if (!error && !parser.is_done() && parser.got_some()) parser.put_eof(error);
    if (error || !parser.is_done()) return;  // a 400, 413 or 431, or a client that went away
    auto made = callback_request_of(parser.get(), http_site().setup.config.callback_base_url(), site_now());
    auto* request = std::get_if<CallbackRequest>(&made);
    if (!request) return;  // a 400
    sign(*request);
    const HttpAnswer answer = world.routes.answer(*request);
    // RITME_FUZZ_ECHO=1: what each input was answered, to see how deep a seed reaches.
    if (std::getenv("RITME_FUZZ_ECHO"))
        std::fprintf(stderr, "%s %s: %u %s\n", request->method.c_str(), request->path.c_str(), answer.status,
                     answer.problem.c_str());
    // The routes turn what they do not expect into a 500 and a log line: here a finding.
    if (answer.status >= 500 && answer.status != 503)
        throw std::logic_error("answered " + std::to_string(answer.status) + ": " + answer.problem + "; log: " +
                               http_site().log_text.str());
    http_site().log_text.str({});
}

}  // namespace ritme::fuzz
