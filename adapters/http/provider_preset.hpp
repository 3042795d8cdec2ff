#pragma once
// An HTTP SMS provider described in a TOML file (config/providers/*.toml, documented in
// config/providers/README.md): which settings a channel must give, how one message
// becomes one HTTP request (method, URL, headers, Basic authentication, a JSON or form
// body, all Mustache templates), and how the provider's answer reads (its message id, its
// error codes, the HTTP statuses that mean the channel's settings are wrong), and the
// provider's calls to ritme: its delivery reports and participants' texts, with how each
// proves it comes from the provider. A preset file is read strictly: every problem at
// file:line:col with the key and a hint.

#include "adapters/curl/http_call.hpp"
#include "adapters/http/provider_callbacks.hpp"
#include "adapters/http/setting_pattern.hpp"
#include "engine/base/diagnostic.hpp"
#include "engine/channel/channel.hpp"

#include <array>
#include <filesystem>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace ritme {

// The channel settings a preset's templates may name; each a template variable too.
inline constexpr std::array<std::string_view, 6> preset_setting_names = {"from",     "account",  "username",
                                                                        "token",    "password", "report_url"};

// Every variable a template may name.
inline constexpr std::array<std::string_view, 13> preset_variable_names = {
    "to",    "to_digits", "to_00",    "from",       "text",    "reference", "unicode",
    "segments", "token",  "password", "account",    "username", "report_url"};

// The values for one message. Empty settings count as false in a section, so
// `{{#report_url}}…{{/report_url}}` writes its part only when a report URL is set.
struct PresetValues {
    std::string to;          // E.164, "+31612345678"; to_digits and to_00 come from it
    std::string text;
    std::string reference;   // ritme's delivery id
    bool unicode = false;    // the text needs UCS-2
    int segments = 0;
    std::map<std::string, std::string, std::less<>> settings;  // from, account, … (preset_setting_names)
};

// What a preset asks of one channel setting.
struct PresetSettingRule {
    bool required = false;
    std::optional<SettingPattern> pattern;  // an RE2 expression the whole value must match; none: any
    std::string hint;     // what the value is and where the operator finds it
};

enum class BodyEncoding { json, form };

// How a provider's answer reads: the [response] table of a preset.
struct AnswerRules {
    std::vector<std::string> id;          // JSON pointers to the message id in a 2xx answer, tried in order
    std::vector<std::string> error_code;  // JSON pointers to the provider's error code
    std::vector<std::string> error_text;  // JSON pointers to its description of the error
    std::vector<std::string> permanent_codes;      // never for this message
    std::vector<std::string> temporary_codes;      // try again later
    std::vector<std::string> misconfigured_codes;  // the channel's settings are wrong
    std::vector<long> misconfigured_statuses;      // besides 401 and 403
};

class ProviderPreset {
public:
    // Reads a preset file; problems go to `diagnostics` and the result is empty.
    static std::optional<ProviderPreset> load(const std::filesystem::path& file, Diagnostics& diagnostics);
    // The same from text; `id` names the preset in reasons ("twilio").
    static std::optional<ProviderPreset> parse(std::string_view text, const std::string& source_name,
                                               const std::string& id, Diagnostics& diagnostics);

    ProviderPreset(ProviderPreset&&) noexcept;
    ProviderPreset& operator=(ProviderPreset&&) noexcept;
    ~ProviderPreset();

    const std::string& id() const { return id_; }      // the file's name without .toml
    const std::string& name() const { return name_; }  // "Twilio"
    const std::string& documentation() const { return documentation_; }
    const std::map<std::string, PresetSettingRule, std::less<>>& setting_rules() const { return rules_; }
    // Whether any template names this variable (an unused setting is a mistake worth telling).
    bool uses(std::string_view variable) const;

    // Puts another URL template in place of the preset's (a test server, an EU endpoint).
    // Returns why it cannot be used, or nothing.
    std::optional<std::string> replace_url(const std::string& url_template);

    // The request for one message. Thread-safe. Timeout and CA file are the caller's.
    HttpRequest request(const PresetValues& values) const;

    // Reads the provider's answer: a 2xx is sent (with the id found in the body, else
    // "accepted; answer unreadable"); otherwise the preset's error codes decide, then its
    // misconfigured statuses, then the generic rule of classify_http. Reasons name the
    // preset and carry the provider's own words, with the recipient's number masked.
    SendResult read_answer(const HttpResponse& response, std::string_view recipient) const;

    const AnswerRules& answer_rules() const { return answers_; }

    // The provider's delivery reports and texts, when the preset declares them ([receipt],
    // [inbound]).
    const std::optional<ReceiptRules>& receipt_rules() const { return receipt_; }
    const std::optional<InboundRules>& inbound_rules() const { return inbound_; }
    // Reads a call to /receipts/CHANNEL or /inbound/CHANNEL: not handled when the preset
    // declares no such call; forbidden unless it proves to come from the provider.
    CallbackReading read_callback(CallbackKind kind, const CallbackRequest& request,
                                  const CallbackSecrets& secrets) const;

    struct Templates;  // the parsed templates, defined in the source

private:
    ProviderPreset();

    std::string id_;
    std::string name_;
    std::string documentation_;
    std::map<std::string, PresetSettingRule, std::less<>> rules_;
    std::string method_ = "POST";
    BodyEncoding encoding_ = BodyEncoding::json;
    AnswerRules answers_;
    std::optional<ReceiptRules> receipt_;
    std::optional<InboundRules> inbound_;
    std::unique_ptr<Templates> templates_;
};

// Where presets named without a path are found: share/ritme/providers beside an
// installed ritme, else the source tree's config/providers.
std::filesystem::path default_provider_directory();

// The shipped presets' names ("cm", "messagebird", …), sorted.
std::vector<std::string> shipped_provider_names(const std::filesystem::path& directory);

}  // namespace ritme
