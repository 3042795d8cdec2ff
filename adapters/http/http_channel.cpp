#include "adapters/http/http_channel.hpp"

#include "adapters/secret.hpp"
#include "adapters/url_secret.hpp"
#include "engine/base/did_you_mean.hpp"
#include "engine/message/sms_text.hpp"
#include "engine/participants/participant_fields.hpp"

#include <algorithm>
#include <system_error>

namespace ritme {
namespace {

namespace fs = std::filesystem;

constexpr std::string_view delivery_placeholder = "{delivery}";
// Where the provider calls ritme: the daemon's public_url, else http://LISTEN.
constexpr std::string_view public_url_placeholder = "{public_url}";

std::string replace_all(std::string text, std::string_view what, std::string_view with) {
    for (size_t at = 0; (at = text.find(what, at)) != std::string::npos; at += with.size())
        text.replace(at, what.size(), with);
    return text;
}

// `preset = "twilio"` names a shipped preset; anything with a slash or ending in .toml
// is a file of the operator's own, relative to the config.
fs::path preset_file(const ChannelSettings& settings) {
    const std::string preset = settings.get("preset");
    if (preset.empty())
        throw settings.error_at("preset", "the http adapter needs `preset`: one of the shipped providers (cm, messagebird, "
                             "twilio, spryng) or the path of your own preset file");
    if (preset.find('/') != std::string::npos || preset.ends_with(".toml")) return settings.path("preset");
    const fs::path directory = default_provider_directory();
    const std::vector<std::string> names = shipped_provider_names(directory);
    if (std::find(names.begin(), names.end(), preset) == names.end()) {
        const std::vector<std::string_view> known(names.begin(), names.end());
        const auto match = closest_match(preset, known);
        throw settings.error_at("preset", "`preset = \"" + preset + "\"` is not a shipped provider (" + directory.string() +
                             " has " + (known.empty() ? std::string("none") : join_alternatives(known)) + "); " +
                             (match ? "did you mean " + *match + "?"
                                    : "for another provider, write a preset file and give its path"));
    }
    return directory / (preset + ".toml");
}

ProviderPreset load_preset(const ChannelSettings& settings) {
    const fs::path file = preset_file(settings);
    Diagnostics diagnostics;
    auto preset = ProviderPreset::load(file, diagnostics);
    if (!preset) {
        diagnostics.sort_by_position();
        std::string problems;
        for (const auto& diagnostic : diagnostics.items()) problems += "\n  " + diagnostic.str();
        throw settings.error_at("preset", "the provider preset " + file.string() + " cannot be used:" + problems);
    }
    refuse_secret_in_url(settings, "url");  // before any message that repeats it
    if (const std::string url = settings.get("url"); !url.empty())
        if (auto problem = preset->replace_url(url)) throw settings.error_at("url", *problem);
    return std::move(*preset);
}

// The setting as the operator writes it: a secret by its _file and _env keys.
std::string key_of(std::string_view setting) {
    if (setting == "token" || setting == "password") return std::string(setting) + "_file` or `" +
                                                             std::string(setting) + "_env";
    return std::string(setting);
}

// The key the operator wrote for a setting, for the error's position: a secret's _env
// key when that is the one written, else its _file key.
std::string written_key(const ChannelSettings& settings, const std::string& setting) {
    if (setting != "token" && setting != "password") return setting;
    return settings.written.contains(setting + "_env") ? setting + "_env" : setting + "_file";
}

// Every value the preset's templates may name, checked against the preset's rules; a
// value the preset never uses is a mistake (a typo, the wrong preset), not ignored.
std::map<std::string, std::string, std::less<>> preset_settings(const ChannelSettings& settings,
                                                                const ProviderPreset& preset) {
    std::map<std::string, std::string, std::less<>> values;
    for (const auto name : preset_setting_names) {
        const std::string key(name);
        values[key] = key == "token" || key == "password" ? read_secret(settings, key) : settings.get(key);
    }
    refuse_secret_in_url(settings, "report_url");
    values["report_url"] = replace_all(values["report_url"], public_url_placeholder, settings.callback_base_url);
    const std::string who = "the " + preset.id() + " preset";
    // A value no provider wants, and one no pattern should be asked about.
    for (const auto& [name, value] : values)
        if (value.size() > SettingPattern::max_value_bytes)
            throw settings.error_at(written_key(settings, name),
                                    "`" + key_of(name) + "` is " + std::to_string(value.size()) +
                                        " bytes long; a setting holds at most " +
                                        std::to_string(SettingPattern::max_value_bytes));
    for (const auto& [name, rule] : preset.setting_rules()) {
        const std::string& value = values[name];
        if (value.empty()) {
            if (rule.required) throw settings.error_at(written_key(settings, name), who + " needs `" + key_of(name) + "`: " + rule.hint);
            continue;
        }
        // A secret's value is never repeated in a message.
        const std::string shown = name == "token" || name == "password" ? "the " + name : "`" + name + " = \"" +
                                                                                            value + "\"`";
        if (rule.pattern && !rule.pattern->whole_match(value))
            throw settings.error_at(written_key(settings, name), shown + " does not fit " + who + ": " + rule.hint);
    }
    for (const auto& [name, value] : values)
        if (!value.empty() && !preset.uses(name))
            throw settings.error_at(written_key(settings, name), "`" + key_of(name) + "` is set but " + who + " does not use it; remove it" +
                                 (name == "report_url" ? " (this provider takes its report address from its own "
                                                         "settings)"
                                                       : ""));
    if (const std::string& report = values["report_url"];
        !report.empty() && !report.starts_with("https://") && !report.starts_with("http://"))
        throw settings.error_at("report_url", "`report_url = \"" + report + "\"` is not an http:// or https:// address");
    return values;
}

}  // namespace

HttpProviderChannel::HttpProviderChannel(ProviderPreset preset, std::map<std::string, std::string, std::less<>> settings,
                                         std::chrono::seconds timeout, std::string ca_file, std::string callback_token)
    : preset_(std::move(preset)), settings_(std::move(settings)), timeout_(timeout), ca_file_(std::move(ca_file)) {
    if (const auto token = settings_.find("token"); token != settings_.end()) secrets_.token = token->second;
    secrets_.callback_token = std::move(callback_token);
}

CallbackReading HttpProviderChannel::read_callback(CallbackKind kind, const CallbackRequest& request) const {
    return preset_.read_callback(kind, request, secrets_);
}

HttpRequest HttpProviderChannel::request_for(const OutgoingMessage& message) const {
    const SmsLength length = measure_sms(message.text);
    PresetValues values;
    values.to = message.to;
    values.text = message.text;
    values.reference = std::to_string(message.delivery_id);
    values.unicode = length.encoding == SmsEncoding::ucs2;
    values.segments = length.segments;
    values.settings = settings_;
    if (auto report = values.settings.find("report_url"); report != values.settings.end())
        report->second = replace_all(report->second, delivery_placeholder, values.reference);
    HttpRequest request = preset_.request(values);
    request.timeout = timeout_;
    request.ca_file = ca_file_;
    return request;
}

SendResult HttpProviderChannel::send(const OutgoingMessage& message) {
    if (!is_e164(message.to))
        return SendResult::permanent_failure(preset_.id() +
                                             ": the recipient is not a phone number in international form (+31…)");
    try {
        return preset_.read_answer(perform_http(handles_, request_for(message)), message.to);
    } catch (const std::exception& e) {
        return SendResult::retry_later(preset_.id() + ": " + e.what());
    }
}

AdapterInfo http_adapter() {
    std::vector<AdapterSetting> declared{
        {"preset", "",
         "the provider: cm, messagebird, twilio or spryng (config/providers), or the path of your own preset file",
         true},
        {"url", "\"\"", "another address for the provider's API (an EU endpoint, a test server); the preset's values "
                        "may be named as in the preset, e.g. {{account}}; empty: the preset's",
         false},
        {"from", "\"\"", "the sender the participant sees: a name of at most 11 letters and digits, or a number",
         false},
        {"account", "\"\"", "the provider account, where the preset needs one (Twilio's Account SID)", false},
        {"username", "\"\"", "a user name, where the preset needs one", false},
        {"report_url", "\"\"",
         "where the provider posts delivery reports; {delivery} becomes ritme's delivery id, {public_url} the "
         "daemon's public_url (else http://LISTEN); empty: none",
         false},
        {"timeout_seconds", "10", "the whole request, connecting included; then the message is tried again later",
         false},
        {"ca_file", "\"\"", "certificate authorities to trust for the provider (PEM); empty: the system's", false},
    };
    for (auto& secret : secret_settings("token", "provider's API key or token")) declared.push_back(std::move(secret));
    for (auto& secret : secret_settings("password", "provider password")) declared.push_back(std::move(secret));
    for (auto& secret : secret_settings("callback_token",
                                        "secret that proves the provider's calls to ritme, where the preset asks for "
                                        "one: the token= of the report and inbound URLs (CM.com, Spryng), or "
                                        "MessageBird's signing key"))
        declared.push_back(std::move(secret));
    return {
        "http",
        "sends SMS through an HTTP provider (CM.com, MessageBird, Twilio, Spryng, or your own preset)",
        std::move(declared),
        [](const ChannelSettings& settings) -> std::unique_ptr<Channel> {
            ProviderPreset preset = load_preset(settings);
            auto values = preset_settings(settings, preset);
            const auto timeout = std::chrono::seconds(settings.integer("timeout_seconds", 1, 300));
            const fs::path ca_file = settings.path("ca_file");
            std::error_code error;
            if (!ca_file.empty() && !fs::is_regular_file(ca_file, error))
                throw settings.error_at("ca_file", "`ca_file` " + ca_file.string() + " is not a file");
            std::string callback_token = read_secret(settings, "callback_token");
            const bool wanted = (preset.receipt_rules() && needs_callback_token(preset.receipt_rules()->proof)) ||
                                (preset.inbound_rules() && needs_callback_token(preset.inbound_rules()->proof));
            if (!callback_token.empty() && !wanted)
                throw settings.error_at(settings.written.contains("callback_token_env") ? "callback_token_env"
                                                                                        : "callback_token_file",
                                        "`callback_token` is set but the " + preset.id() +
                                            " preset does not use it; remove it");
            return std::make_unique<HttpProviderChannel>(std::move(preset), std::move(values), timeout,
                                                         ca_file.string(), std::move(callback_token));
        },
    };
}

}  // namespace ritme
