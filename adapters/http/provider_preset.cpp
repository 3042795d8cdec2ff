#include "adapters/http/provider_preset.hpp"

#include "adapters/url_secret.hpp"
#include "engine/base/did_you_mean.hpp"
#include "engine/base/input_file.hpp"
#include "engine/base/installed_data.hpp"
#include "engine/base/template.hpp"
#include "engine/base/toml_reader.hpp"
#include "engine/participants/masking.hpp"

#include <mustache.hpp>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <sstream>
#include <utility>
#include <variant>

#ifndef RITME_DEFAULT_PROVIDER_DIR
#define RITME_DEFAULT_PROVIDER_DIR "config/providers"
#endif

namespace ritme {
namespace {

namespace fs = std::filesystem;
namespace mu = kainjow::mustache;
using Json = nlohmann::json;

// Words from a provider's answer: enough for a reason, never a whole page.
constexpr size_t max_words = 200;

std::string json_escaped(const std::string& value) {
    const std::string quoted = Json(value).dump(-1, ' ', false, Json::error_handler_t::replace);
    return quoted.substr(1, quoted.size() - 2);
}

std::string url_escaped(const std::string& value) { return url_encode(value); }

std::string unescaped(const std::string& value) { return value; }

using Named = std::vector<std::pair<std::string, std::unique_ptr<MustacheTemplate>>>;

bool is_digit(char c) { return c >= '0' && c <= '9'; }

std::string digits_of(std::string_view e164) {
    std::string digits;
    for (char c : e164)
        if (is_digit(c)) digits += c;
    return digits;
}

// Cuts at a character boundary, never inside a UTF-8 sequence.
std::string cut_words(const std::string& words) {
    std::string cut = utf8_prefix(words, max_words);
    return words.size() > cut.size() ? cut + "…" : cut;
}

std::string one_line(std::string text) {
    for (char& c : text)
        if (c == '\r' || c == '\n' || c == '\t') c = ' ';
    const size_t begin = text.find_first_not_of(' ');
    const size_t end = text.find_last_not_of(' ');
    return begin == std::string::npos ? std::string() : text.substr(begin, end - begin + 1);
}

// The value at the first pointer that holds a string or a number.
std::optional<std::string> scalar_at(const Json& document, const std::vector<std::string>& pointers) {
    for (const auto& pointer : pointers) {
        const Json::json_pointer at(pointer);
        if (!document.contains(at)) continue;
        const Json& value = document.at(at);
        if (value.is_string() && !value.get_ref<const std::string&>().empty()) return value.get<std::string>();
        if (value.is_number_integer() || value.is_number_unsigned()) return value.dump();
    }
    return std::nullopt;
}

// The first text in a value, depth first: a provider's error list or field table
// ({"recipients": ["The recipients.0 format is invalid."]}) gives its first message.
std::optional<std::string> first_text(const Json& value) {
    if (value.is_string()) {
        if (value.get_ref<const std::string&>().empty()) return std::nullopt;
        return value.get<std::string>();
    }
    if (value.is_structured())
        for (const auto& item : value)
            if (auto text = first_text(item)) return text;
    return std::nullopt;
}

std::optional<std::string> text_at(const Json& document, const std::vector<std::string>& pointers) {
    for (const auto& pointer : pointers) {
        const Json::json_pointer at(pointer);
        if (!document.contains(at)) continue;
        if (auto text = first_text(document.at(at))) return text;
    }
    return std::nullopt;
}

bool listed(const std::vector<std::string>& codes, const std::string& code) {
    return std::find(codes.begin(), codes.end(), code) != codes.end();
}

// Each form of the recipient's number in a provider's words ("The 'To' number
// +31612345678 is not valid") is masked: reasons are stored and logged.
std::string mask_recipient(std::string words, std::string_view recipient) {
    const std::string digits = digits_of(recipient);
    if (digits.size() < 6) return words;
    const std::string masked = mask_phone("+" + digits);
    for (const std::string& form : {"00" + digits, "+" + digits, digits}) {
        size_t at = 0;
        while ((at = words.find(form, at)) != std::string::npos) {
            words.replace(at, form.size(), masked);
            at += masked.size();
        }
    }
    return words;
}

bool is_header_name(std::string_view name) {
    if (name.empty()) return false;
    static constexpr std::string_view others = "!#$%&'*+-.^_`|~";
    return std::all_of(name.begin(), name.end(), [](char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || is_digit(c) || others.find(c) != others.npos;
    });
}

bool same_header(std::string_view a, std::string_view b) {
    return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
               return std::tolower(static_cast<unsigned char>(x)) == std::tolower(static_cast<unsigned char>(y));
           });
}

// A header value never carries a line break, whatever a secret file holds.
std::string header_value(std::string value) {
    for (char& c : value)
        if (c == '\r' || c == '\n') c = ' ';
    return value;
}

// The names a template's tags use; anything kainjow would read other than a plain
// value or a section is refused, so that every value is escaped for where it goes.
struct TagScan {
    std::vector<std::string> names;
    std::vector<std::string> problems;  // "{{{text}}}: …"
};

TagScan scan_tags(std::string_view text) {
    TagScan scan;
    size_t at = 0;
    while ((at = text.find("{{", at)) != std::string_view::npos) {
        const size_t close = text.find("}}", at + 2);
        if (close == std::string_view::npos) break;  // kainjow reports the unclosed tag
        std::string_view tag = text.substr(at + 2, close - at - 2);
        const bool triple = !tag.empty() && tag.front() == '{' && text.substr(close + 2, 1) == "}";
        const std::string whole(text.substr(at, close + (triple ? 3 : 2) - at));
        at = close + (triple ? 3 : 2);
        while (!tag.empty() && tag.front() == ' ') tag.remove_prefix(1);
        const char sigil = tag.empty() ? '\0' : tag.front();
        if (sigil == '!') continue;
        if (sigil == '{' || sigil == '&') {
            scan.problems.push_back(whole + " writes a value without escaping it; write {{name}}: values are escaped "
                                            "for where they go (JSON, URL)");
            continue;
        }
        if (sigil == '>' || sigil == '=') {
            scan.problems.push_back(whole + " is not supported in a preset; use {{name}}, {{#name}} and {{^name}}");
            continue;
        }
        if (sigil == '#' || sigil == '^' || sigil == '/') tag.remove_prefix(1);
        while (!tag.empty() && tag.front() == ' ') tag.remove_prefix(1);
        while (!tag.empty() && tag.back() == ' ') tag.remove_suffix(1);
        scan.names.emplace_back(tag);
    }
    return scan;
}

mu::data value_data(const std::string& value) { return value.empty() ? mu::data(false) : mu::data(value); }

mu::data template_data(const PresetValues& values) {
    mu::data data{mu::data::type::object};
    const std::string digits = digits_of(values.to);
    data.set("to", value_data(values.to));
    data.set("to_digits", value_data(digits));
    data.set("to_00", value_data(digits.empty() ? std::string() : "00" + digits));
    data.set("text", value_data(values.text));
    data.set("reference", value_data(values.reference));
    data.set("unicode", mu::data(values.unicode));
    data.set("segments", mu::data(std::to_string(values.segments)));
    for (const auto name : preset_setting_names) {
        const auto found = values.settings.find(name);
        data.set(std::string(name), value_data(found == values.settings.end() ? std::string() : found->second));
    }
    return data;
}

// Values that try every corner of a template: quotes, a backslash and a line break in
// the text, every setting set; then every optional setting empty.
std::vector<PresetValues> sample_values() {
    PresetValues full;
    full.to = "+31612345678";
    full.text = "Dinsdag \"10:30\" \\ Buurthuis\nتذكير";
    full.reference = "42";
    full.unicode = true;
    full.segments = 1;
    for (const auto name : preset_setting_names) full.settings[std::string(name)] = "sample-" + std::string(name);
    full.settings["report_url"] = "https://ritme.example/report?delivery=42";
    PresetValues sparse = full;
    sparse.unicode = false;
    sparse.settings.clear();
    return {full, sparse};
}

}  // namespace

struct ProviderPreset::Templates {
    std::unique_ptr<MustacheTemplate> url;
    Named headers;
    std::unique_ptr<MustacheTemplate> basic_user;  // null: no Basic authentication
    std::unique_ptr<MustacheTemplate> basic_password;
    std::unique_ptr<MustacheTemplate> body;  // json
    Named form;                              // form
    std::vector<std::string> used;           // every variable some template names
};

namespace {

// Reads one preset file into a ProviderPreset's parts; every problem a diagnostic.
class PresetReader {
public:
    PresetReader(const toml::table& root, Diagnostics& diagnostics) : root_(root), diagnostics_(diagnostics) {}

    void read(std::string& name, std::string& documentation, std::map<std::string, PresetSettingRule, std::less<>>& rules,
              std::string& method, BodyEncoding& encoding, ProviderPreset::Templates& templates, AnswerRules& answers,
              std::optional<ReceiptRules>& receipt, std::optional<InboundRules>& inbound) {
        TomlTableReader top(root_, "the preset", diagnostics_);
        top.allow_only({"provider", "settings", "request", "response", "receipt", "inbound"});
        if (const toml::table* table = sub_table(top, "receipt", false)) receipt = read_receipt_rules(*table, diagnostics_);
        if (const toml::table* table = sub_table(top, "inbound", false)) inbound = read_inbound_rules(*table, diagnostics_);
        if (const toml::table* provider = sub_table(top, "provider", true)) {
            TomlTableReader r(*provider, "[provider]", diagnostics_);
            r.allow_only({"name", "documentation"});
            name = r.string("name", Presence::required).value_or("");
            documentation = r.string("documentation", Presence::required).value_or("");
            if (!documentation.empty() && !documentation.starts_with("https://"))
                r.error_at("documentation", "`documentation` is not an https:// address",
                           "name the provider's page this preset follows");
        }
        if (const toml::table* settings = sub_table(top, "settings", false)) read_settings(*settings, rules);
        if (const toml::table* request = sub_table(top, "request", true))
            read_request(*request, method, encoding, templates);
        if (const toml::table* response = sub_table(top, "response", true)) read_response(*response, answers);
        for (const auto& [setting, rule] : rules)
            if (rule.required && std::find(templates.used.begin(), templates.used.end(), setting) == templates.used.end())
                diagnostics_.error(position_of(root_["settings"][setting].node()->source()),
                                   "[settings]: `" + setting + "` is required but no template names it",
                                   "write {{" + setting + "}} where the provider wants it, or drop the rule");
    }

private:
    const toml::table* sub_table(TomlTableReader& parent, std::string_view key, bool required) {
        const toml::node* node = parent.find(key, required ? Presence::required : Presence::optional);
        if (!node) return nullptr;
        if (const toml::table* table = node->as_table()) return table;
        parent.error_at(key, "`" + std::string(key) + "` is not a table", "write it as [" + std::string(key) + "]");
        return nullptr;
    }

    void read_settings(const toml::table& table, std::map<std::string, PresetSettingRule, std::less<>>& rules) {
        TomlTableReader r(table, "[settings]", diagnostics_);
        r.allow_only({preset_setting_names.begin(), preset_setting_names.end()});
        for (const auto& [key, node] : table) {
            const std::string setting(key.str());
            if (std::find(preset_setting_names.begin(), preset_setting_names.end(), setting) ==
                preset_setting_names.end())
                continue;
            const toml::table* rule_table = node.as_table();
            if (!rule_table) {
                r.error_at(setting, "`" + setting + "` is not a table",
                           "write it like `" + setting + " = { required = true, hint = \"…\" }`");
                continue;
            }
            TomlTableReader rule_reader(*rule_table, "[settings." + setting + "]", diagnostics_);
            rule_reader.allow_only({"required", "pattern", "hint"});
            PresetSettingRule rule;
            if (const toml::node* required = rule_reader.find("required")) {
                if (auto value = required->as_boolean())
                    rule.required = value->get();
                else
                    rule_reader.error_at("required", "`required` is not true or false", "write required = true");
            }
            rule.hint = rule_reader.string("hint", Presence::required).value_or("");
            if (auto pattern = rule_reader.string("pattern")) {
                auto compiled = SettingPattern::compile(*pattern);
                if (auto* problem = std::get_if<std::string>(&compiled))
                    rule_reader.error_at("pattern", "`pattern` is not a regular expression ritme can use: " + *problem,
                                         "write an RE2 expression (ECMAScript without backreferences or lookaround; "
                                         "repeat counts up to 1000); in TOML, '…' keeps backslashes as typed");
                else
                    rule.pattern = std::move(std::get<SettingPattern>(compiled));
            }
            rules[setting] = std::move(rule);
        }
    }

    // A template at `key`, checked: it parses, names only known values, and asks for
    // nothing but plain values and sections.
    std::unique_ptr<MustacheTemplate> compile(TomlTableReader& r, std::string_view key,
                                              std::string (*escape)(const std::string&),
                                              ProviderPreset::Templates& templates, Presence presence) {
        auto text = r.string(key, presence);
        if (!text) return nullptr;
        bool good = true;
        const TagScan scan = scan_tags(*text);
        for (const auto& problem : scan.problems) {
            r.error_at(key, "`" + std::string(key) + "`: " + problem);
            good = false;
        }
        for (const auto& name : scan.names) {
            if (std::find(preset_variable_names.begin(), preset_variable_names.end(), name) !=
                preset_variable_names.end()) {
                if (std::find(templates.used.begin(), templates.used.end(), name) == templates.used.end())
                    templates.used.push_back(name);
                continue;
            }
            const auto match = closest_match(name, preset_variable_names);
            r.error_at(key, "`" + std::string(key) + "` names an unknown value {{" + name + "}}",
                       match ? "did you mean " + *match + "?"
                             : "the values are " + join_alternatives(preset_variable_names));
            good = false;
        }
        auto compiled = std::make_unique<MustacheTemplate>(*text, escape);
        if (!compiled->is_valid()) {
            r.error_at(key, "`" + std::string(key) + "` does not parse as a template: " +
                                compiled->error_message(),
                       "open a section with {{#name}} and close it with {{/name}}; write a value as {{name}}");
            good = false;
        }
        return good ? std::move(compiled) : nullptr;
    }

    Named compile_table(TomlTableReader& parent, std::string_view key, ProviderPreset::Templates& templates,
                        bool header_names) {
        Named compiled;
        const toml::node* node = parent.find(key);
        if (!node) return compiled;
        const toml::table* table = node->as_table();
        if (!table) {
            parent.error_at(key, "`" + std::string(key) + "` is not a table",
                            "write it as [request." + std::string(key) + "] with `Name = \"template\"` lines");
            return compiled;
        }
        TomlTableReader r(*table, "[request." + std::string(key) + "]", diagnostics_);
        for (const auto& [name, value] : *table) {
            const std::string field(name.str());
            if (header_names && !is_header_name(field)) {
                r.error_at(field, "`" + field + "` is not an HTTP header name",
                           "use letters, digits and dashes, e.g. Authorization");
                continue;
            }
            if (auto item = compile(r, field, unescaped, templates, Presence::required))
                compiled.emplace_back(field, std::move(item));
        }
        return compiled;
    }

    void read_request(const toml::table& table, std::string& method, BodyEncoding& encoding,
                      ProviderPreset::Templates& templates) {
        TomlTableReader r(table, "[request]", diagnostics_);
        r.allow_only({"method", "url", "encoding", "headers", "basic_auth", "body", "form"});
        static constexpr std::pair<std::string_view, std::string_view> methods[] = {{"POST", "POST"}, {"PUT", "PUT"}};
        if (auto chosen = r.choice<std::string_view>("method", methods)) method = *chosen;
        static constexpr std::pair<std::string_view, BodyEncoding> encodings[] = {{"json", BodyEncoding::json},
                                                                                  {"form", BodyEncoding::form}};
        const auto chosen_encoding = r.choice<BodyEncoding>("encoding", encodings, Presence::required);
        if (chosen_encoding) encoding = *chosen_encoding;

        templates.url = compile(r, "url", url_escaped, templates, Presence::required);
        if (const toml::node* url = table.get("url"); templates.url && url) {
            const std::string& text = url->as_string()->get();
            if (!text.starts_with("https://") && !text.starts_with("http://"))
                r.error_at("url", "`url` is not an http:// or https:// address",
                           "write the provider's full address, e.g. \"https://…/messages\"");
            if (const auto where = secret_in_url(text))
                r.error_at("url", "`url` holds a secret in the preset's text (" + *where + ")",
                           "name it as {{token}} or {{password}} and " + std::string(secret_in_url_hint));
        }
        templates.headers = compile_table(r, "headers", templates, true);
        for (const auto& [header, ignored] : templates.headers)
            if (same_header(header, "Content-Length") || same_header(header, "Host"))
                r.error_at("headers", "[request.headers]: `" + header + "` is set by ritme itself",
                           "remove it");

        if (const toml::node* node = r.find("basic_auth")) {
            if (const toml::table* basic = node->as_table()) {
                TomlTableReader b(*basic, "[request.basic_auth]", diagnostics_);
                b.allow_only({"user", "password"});
                templates.basic_user = compile(b, "user", unescaped, templates, Presence::required);
                templates.basic_password = compile(b, "password", unescaped, templates, Presence::required);
            } else {
                r.error_at("basic_auth", "`basic_auth` is not a table",
                           "write it like basic_auth = { user = \"{{account}}\", password = \"{{token}}\" }");
            }
        }

        if (!chosen_encoding) return;
        if (encoding == BodyEncoding::json) {
            if (r.find("form"))
                r.error_at("form", "`form` goes with encoding = \"form\"",
                           "write the JSON body as `body`, or set encoding = \"form\"");
            templates.body = compile(r, "body", json_escaped, templates, Presence::required);
            if (templates.body) check_json_body(r, *templates.body);
        } else {
            if (r.find("body"))
                r.error_at("body", "`body` goes with encoding = \"json\"",
                           "write the fields as [request.form], or set encoding = \"json\"");
            if (!r.find("form", Presence::required)) return;
            templates.form = compile_table(r, "form", templates, false);
        }
    }

    // A JSON body template must give JSON for any message, with and without the optional settings.
    void check_json_body(TomlTableReader& r, const MustacheTemplate& body) {
        for (const PresetValues& values : sample_values()) {
            const std::string rendered = body.render(template_data(values));
            try {
                [[maybe_unused]] const Json parsed = Json::parse(rendered);
            } catch (const Json::parse_error& e) {
                r.error_at("body", "`body` does not give JSON for a sample message: " + std::string(e.what()),
                           "put each {{value}} inside quotes (\"{{text}}\"); optional parts as "
                           "{{#report_url}},\"…\":\"{{report_url}}\"{{/report_url}}");
                return;
            }
        }
    }

    // A JSON pointer, or a list of them tried in order.
    std::vector<std::string> pointers(TomlTableReader& r, std::string_view key) {
        std::vector<std::string> list;
        const toml::node* node = r.find(key);
        if (!node) return list;
        std::vector<const toml::node*> items;
        if (const toml::array* array = node->as_array())
            for (const auto& item : *array) items.push_back(&item);
        else
            items.push_back(node);
        for (const toml::node* item : items) {
            const auto text = item->value<std::string>();
            if (!text || !item->is_string()) {
                r.error_at(key, "`" + std::string(key) + "` is not a JSON pointer or a list of them",
                           "write it like " + std::string(key) + " = \"/messages/0/id\"");
                return {};
            }
            try {
                (void)Json::json_pointer(*text);
                list.push_back(*text);
            } catch (const Json::exception&) {
                r.error_at(key, "`" + std::string(key) + " = \"" + *text + "\"` is not a JSON pointer",
                           "start it with / and separate the steps with /, e.g. \"/errors/0/code\"");
            }
        }
        return list;
    }

    // Error codes as integers or strings; compared as text.
    std::vector<std::string> codes(TomlTableReader& r, std::string_view key) {
        std::vector<std::string> list;
        const toml::node* node = r.find(key);
        if (!node) return list;
        const toml::array* array = node->as_array();
        if (!array) {
            r.error_at(key, "`" + std::string(key) + "` is not a list", "write it like " + std::string(key) +
                                                                            " = [21211, 21610]");
            return list;
        }
        for (const auto& item : *array) {
            if (auto number = item.as_integer())
                list.push_back(std::to_string(number->get()));
            else if (auto text = item.as_string())
                list.push_back(text->get());
            else
                r.error_at(key, "`" + std::string(key) + "` holds " + toml_value_text(item) +
                                    ", not an error code", "write codes as numbers or \"text\"");
        }
        return list;
    }

    void read_response(const toml::table& table, AnswerRules& answers) {
        TomlTableReader r(table, "[response]", diagnostics_);
        r.allow_only({"id", "error_code", "error_text", "permanent_codes", "temporary_codes", "misconfigured_codes",
                      "misconfigured_statuses"});
        answers.id = pointers(r, "id");
        answers.error_code = pointers(r, "error_code");
        answers.error_text = pointers(r, "error_text");
        answers.permanent_codes = codes(r, "permanent_codes");
        answers.temporary_codes = codes(r, "temporary_codes");
        answers.misconfigured_codes = codes(r, "misconfigured_codes");
        const bool any_codes = !answers.permanent_codes.empty() || !answers.temporary_codes.empty() ||
                               !answers.misconfigured_codes.empty();
        if (any_codes && answers.error_code.empty())
            r.error_at("permanent_codes", "codes are listed but `error_code` does not say where the code is",
                       "add error_code = \"/code\" (a JSON pointer into the provider's answer)");
        const std::pair<std::string_view, const std::vector<std::string>*> lists[] = {
            {"permanent_codes", &answers.permanent_codes},
            {"temporary_codes", &answers.temporary_codes},
            {"misconfigured_codes", &answers.misconfigured_codes}};
        for (size_t i = 0; i < std::size(lists); ++i)
            for (size_t j = i + 1; j < std::size(lists); ++j)
                for (const auto& code : *lists[i].second)
                    if (listed(*lists[j].second, code))
                        r.error_at(lists[j].first,
                                   "code " + code + " is in both `" + std::string(lists[i].first) + "` and `" +
                                       std::string(lists[j].first) + "`",
                                   "a code means one thing; keep it in one list");

        if (const toml::node* node = r.find("misconfigured_statuses")) {
            const toml::array* array = node->as_array();
            if (!array) {
                r.error_at("misconfigured_statuses", "`misconfigured_statuses` is not a list",
                           "write it like misconfigured_statuses = [400]");
                return;
            }
            for (const auto& item : *array) {
                const auto status = item.as_integer();
                if (!status || status->get() < 400 || status->get() > 499) {
                    r.error_at("misconfigured_statuses",
                               "`misconfigured_statuses` holds " + toml_value_text(item) + ", not an HTTP 4xx status",
                               "list statuses from 400 to 499; 5xx are always temporary");
                    continue;
                }
                answers.misconfigured_statuses.push_back(static_cast<long>(status->get()));
            }
        }
    }

    const toml::table& root_;
    Diagnostics& diagnostics_;
};

}  // namespace

ProviderPreset::ProviderPreset() : templates_(std::make_unique<Templates>()) {}
ProviderPreset::ProviderPreset(ProviderPreset&&) noexcept = default;
ProviderPreset& ProviderPreset::operator=(ProviderPreset&&) noexcept = default;
ProviderPreset::~ProviderPreset() = default;

std::optional<ProviderPreset> ProviderPreset::load(const fs::path& file, Diagnostics& diagnostics) {
    const InputText read = read_input_file(file, input_limits::provider_preset);
    if (read.problem == InputProblem::too_large) {
        diagnostics.error(SourcePosition{file.string()}, too_large_message(input_limits::provider_preset),
                          too_large_hint(input_limits::provider_preset));
        return std::nullopt;
    }
    if (!read.ok()) {
        diagnostics.error(SourcePosition{file.string()}, "cannot read the provider preset",
                          "check the path; the shipped presets are cm, messagebird, twilio and spryng");
        return std::nullopt;
    }
    return parse(read.text, file.string(), file.stem().string(), diagnostics);
}

std::optional<ProviderPreset> ProviderPreset::parse(std::string_view text, const std::string& source_name,
                                                    const std::string& id, Diagnostics& diagnostics) {
    const int errors_before = diagnostics.error_count();
    const auto root = parse_toml(text, source_name, diagnostics);
    if (!root) return std::nullopt;
    ProviderPreset preset;
    preset.id_ = id;
    PresetReader reader(*root, diagnostics);
    reader.read(preset.name_, preset.documentation_, preset.rules_, preset.method_, preset.encoding_,
                *preset.templates_, preset.answers_, preset.receipt_, preset.inbound_);
    if (diagnostics.error_count() > errors_before) return std::nullopt;
    return preset;
}

bool ProviderPreset::uses(std::string_view variable) const {
    return std::find(templates_->used.begin(), templates_->used.end(), variable) != templates_->used.end();
}

std::optional<std::string> ProviderPreset::replace_url(const std::string& url_template) {
    if (const auto where = secret_in_url(url_template))
        return "`url` holds a secret in the config text (" + *where + "); " + std::string(secret_in_url_hint);
    if (!url_template.starts_with("https://") && !url_template.starts_with("http://"))
        return "`url = \"" + url_template + "\"` is not an http:// or https:// address";
    const TagScan scan = scan_tags(url_template);
    if (!scan.problems.empty()) return "`url`: " + scan.problems.front();
    for (const auto& name : scan.names)
        if (std::find(preset_variable_names.begin(), preset_variable_names.end(), name) == preset_variable_names.end())
            return "`url` names an unknown value {{" + name + "}}; the values are " +
                   join_alternatives(preset_variable_names);
    auto compiled = std::make_unique<MustacheTemplate>(url_template, url_escaped);
    if (!compiled->is_valid())
        return "`url` does not parse as a template: " + compiled->error_message();
    for (const auto& name : scan.names)
        if (!uses(name)) templates_->used.push_back(name);
    templates_->url = std::move(compiled);
    return std::nullopt;
}

HttpRequest ProviderPreset::request(const PresetValues& values) const {
    const mu::data data = template_data(values);
    HttpRequest request;
    request.method = method_;
    request.url = templates_->url->render(data);
    bool content_type = false;
    for (const auto& [name, value] : templates_->headers) {
        content_type = content_type || same_header(name, "Content-Type");
        request.headers.push_back(name + ": " + header_value(value->render(data)));
    }
    if (templates_->basic_user) {
        request.username = templates_->basic_user->render(data);
        request.password = templates_->basic_password->render(data);
    }
    if (encoding_ == BodyEncoding::json) {
        if (!content_type) request.headers.emplace_back("Content-Type: application/json; charset=utf-8");
        request.body = templates_->body->render(data);
    } else {
        if (!content_type) request.headers.emplace_back("Content-Type: application/x-www-form-urlencoded");
        for (const auto& [field, value] : templates_->form) {
            const std::string rendered = value->render(data);
            if (rendered.empty()) continue;  // an optional field without a value is left out
            if (!request.body.empty()) request.body += '&';
            request.body += url_encode(field) + "=" + url_encode(rendered);
        }
    }
    return request;
}

SendResult ProviderPreset::read_answer(const HttpResponse& response, std::string_view recipient) const {
    if (response.status == 0) return classify_http(response, id_);
    const Json document = Json::parse(response.body, nullptr, false);
    const bool readable = !document.is_discarded();

    if (response.status >= 200 && response.status < 300) {
        if (answers_.id.empty()) return SendResult::accepted();
        // The provider took the message: sending it again would send it twice.
        const auto id = readable ? scalar_at(document, answers_.id) : std::nullopt;
        if (!id) return SendResult::accepted({}, "accepted; answer unreadable");
        return SendResult::accepted(*id);
    }

    const auto code = readable ? scalar_at(document, answers_.error_code) : std::nullopt;
    auto text = readable ? text_at(document, answers_.error_text) : std::nullopt;
    // The recipient in each form the provider may write her, then any other number or
    // address: masked before the words are cut, so no part of one is left.
    const std::string words = cut_words(
        mask_contacts_in_text(mask_recipient(one_line(text ? *text : gateway_words(response.body)), recipient)));
    std::string reason = id_ + ": HTTP " + std::to_string(response.status);
    if (!words.empty()) reason += " " + words;
    if (code) reason += " (code " + *code + ")";

    if (code && listed(answers_.temporary_codes, *code)) return SendResult::retry_later(reason, response.retry_after);
    if (code && listed(answers_.permanent_codes, *code)) return SendResult::permanent_failure(reason);
    if (code && listed(answers_.misconfigured_codes, *code))
        return SendResult::misconfigured(reason + " (the channel's settings need fixing)");
    const auto& statuses = answers_.misconfigured_statuses;
    if (std::find(statuses.begin(), statuses.end(), response.status) != statuses.end() &&
        response.status != 401 && response.status != 403)
        return SendResult::misconfigured(reason + " (the provider refused the whole request: check the channel's "
                                                  "settings)");
    SendResult result = classify_http(response, id_);
    result.reason = result.channel_fault ? reason + " (the channel's credentials were refused)" : reason;
    return result;
}

CallbackReading ProviderPreset::read_callback(CallbackKind kind, const CallbackRequest& request,
                                              const CallbackSecrets& secrets) const {
    if (kind == CallbackKind::receipt && receipt_) return read_provider_receipt(id_, *receipt_, request, secrets);
    if (kind == CallbackKind::inbound && inbound_) return read_provider_inbound(id_, *inbound_, request, secrets);
    return CallbackReading::refused(CallbackReading::Verdict::not_handled,
                                    id_ + ": the preset declares no " +
                                        (kind == CallbackKind::receipt ? "delivery reports" : "inbound texts"));
}

fs::path default_provider_directory() { return installed_or("providers", RITME_DEFAULT_PROVIDER_DIR); }

std::vector<std::string> shipped_provider_names(const fs::path& directory) {
    std::vector<std::string> names;
    std::error_code error;
    for (const auto& entry : fs::directory_iterator(directory, error))
        if (entry.is_regular_file() && entry.path().extension() == ".toml") names.push_back(entry.path().stem().string());
    std::sort(names.begin(), names.end());
    return names;
}

}  // namespace ritme
