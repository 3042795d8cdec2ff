#include "engine/message/message_renderer.hpp"

#include "engine/base/did_you_mean.hpp"
#include "engine/base/input_file.hpp"
#include "engine/base/template.hpp"
#include "engine/base/utf8.hpp"
#include "engine/message/local_dates.hpp"
#include "engine/message/sms_text.hpp"
#include "engine/participants/participant_fields.hpp"

#include <mustache.hpp>

#include <algorithm>
#include <array>
#include <optional>
#include <cctype>
#include <sstream>
#include <stdexcept>
#include <string_view>
#include <tuple>
#include <utility>

namespace ritme {
namespace {

namespace fs = std::filesystem;
using MustacheData = kainjow::mustache::data;

constexpr std::string_view template_extension = ".mustache";
// Every language falls back to these two, so both need every template.
constexpr std::string_view first_fallback = "nl";
constexpr std::string_view second_fallback = "en";

constexpr std::array<std::string_view, 11> template_name_list = {
    "reminder",        "appointment",  "change-moved",  "change-cancelled",  "change-restored", "alert",
    "confirm-excused", "confirm-stop", "confirm-start", "confirm-passed-on", "answer-alert"};
// What a participant herself may get; the rest go to the lead.
constexpr std::array<std::string_view, 9> participant_template_names = {
    "reminder",        "appointment",  "change-moved",  "change-cancelled",  "change-restored",
    "confirm-excused", "confirm-stop", "confirm-start", "confirm-passed-on"};

// What a template may name (documented in config/templates/README.md).
constexpr std::array<std::string_view, 31> variable_names = {
    "first_name", "date", "time", "end_time", "location", "address", "lead_name", "lead_phone", "note",
    "previous_date", "previous_time", "session_number", "participant", "reason", "participant_name", "answer",
    // sections
    "has_location", "has_address", "has_lead_name", "has_lead_phone", "has_note", "has_previous", "is_session",
    "has_date", "answer_cannot_come", "answer_coming", "answer_stop", "answer_start", "answer_other",
    "answer_too_late", "by_sms"};

std::string template_name_for(const MessageFacts& facts) {
    switch (facts.kind) {
        case DeliveryKind::reminder: return "reminder";
        case DeliveryKind::appointment: return "appointment";
        case DeliveryKind::alert: return "alert";
        case DeliveryKind::answer_alert: return "answer-alert";
        case DeliveryKind::group: return "group";
        case DeliveryKind::confirmation:
            if (facts.confirmation == "excused" || facts.confirmation == "stop" || facts.confirmation == "start" ||
                facts.confirmation == "passed-on")
                return "confirm-" + facts.confirmation;
            throw std::invalid_argument("a confirmation needs \"excused\", \"stop\", \"start\" or \"passed-on\", " +
                                        std::string("not \"") + facts.confirmation + "\"");
        case DeliveryKind::change:
            if (facts.change == "moved" || facts.change == "cancelled" || facts.change == "restored")
                return "change-" + facts.change;
            throw std::invalid_argument("a change notice needs the change \"moved\", \"cancelled\" or " +
                                        std::string("\"restored\", not \"") + facts.change + "\"");
        case DeliveryKind::follow_up:
        case DeliveryKind::overview:
            throw std::invalid_argument("a lead's follow-up or overview has no template: its text comes from the "
                                        "catalogues");
    }
    throw std::invalid_argument("unknown message kind");
}

SourcePosition position_at(const std::string& file, std::string_view text, size_t offset) {
    const std::string_view before = text.substr(0, offset);
    const size_t line_start = before.rfind('\n') + 1;  // 0 on the first line
    SourcePosition where{file, 1, 1};
    where.line += static_cast<int>(std::count(before.begin(), before.end(), '\n'));
    // Columns count characters, not UTF-8 bytes.
    where.column += static_cast<int>(count_code_points(before.substr(line_start)));
    return where;
}

// kainjow reports "Unclosed section \"x\" at 57": the byte offset goes into the position.
void report_parse_error(const std::string& file, std::string_view text, const std::string& error,
                        Diagnostics& diagnostics) {
    std::string message = error;
    size_t offset = 0;
    const size_t at = error.rfind(" at ");
    const auto is_digit = [](char c) { return c >= '0' && c <= '9'; };
    if (at != std::string::npos && at + 4 < error.size() &&
        std::all_of(error.begin() + static_cast<long>(at) + 4, error.end(), is_digit)) {
        offset = std::stoul(error.substr(at + 4));
        message = error.substr(0, at);
    }
    if (!message.empty()) message[0] = static_cast<char>(std::tolower(static_cast<unsigned char>(message[0])));
    diagnostics.error(position_at(file, text, offset), "template does not parse: " + message,
                      "open a section with {{#name}} and close it with {{/name}}; write a value as {{name}}");
}

// `{{=<% %>=}}`'s new delimiters, "<%" and "%>"; nothing when the tag is not well
// formed (the parser reports it).
std::optional<std::pair<std::string, std::string>> new_delimiters(std::string_view tag) {
    if (tag.size() < 2 || tag.front() != '=' || tag.back() != '=') return std::nullopt;
    std::istringstream words{std::string(tag.substr(1, tag.size() - 2))};
    std::string open, close, more;
    if (!(words >> open >> close) || words >> more) return std::nullopt;
    return std::pair{open, close};
}

// A misspelt variable renders as nothing, silently: every tag's name is checked at load,
// with the delimiters in force where it stands (`{{=<% %>=}}` changes them).
void check_tag_names(const std::string& file, std::string_view text, Diagnostics& diagnostics) {
    std::string open = "{{", close = "}}";
    size_t at = 0;
    while ((at = text.find(open, at)) != std::string_view::npos) {
        // {{{value}}}, kainjow's unescaped form, exists only with the standard delimiters.
        const bool triple = open == "{{" && close == "}}" && text.substr(at, 3) == "{{{";
        const size_t open_length = triple ? 3 : open.size();
        const std::string closing = triple ? "}}}" : close;
        const size_t end = text.find(closing, at + open_length);
        if (end == std::string_view::npos) return;  // the parser reports the unclosed tag
        std::string_view tag = text.substr(at + open_length, end - at - open_length);
        const size_t after = end + closing.size();
        while (!tag.empty() && tag.front() == ' ') tag.remove_prefix(1);
        while (!tag.empty() && tag.back() == ' ') tag.remove_suffix(1);
        const char sigil = tag.empty() ? '\0' : tag.front();
        if (sigil == '=') {
            const auto delimiters = new_delimiters(tag);
            if (!delimiters) return;  // the parser reports the malformed change
            std::tie(open, close) = *delimiters;
            at = after;
            continue;
        }
        if (sigil == '!') {
            at = after;
            continue;
        }
        if (sigil == '>') {
            diagnostics.error(position_at(file, text, at), "template includes a partial (" + std::string(tag) + ")",
                              "write the text into the template itself: partials are not supported");
            at = after;
            continue;
        }
        if (sigil == '#' || sigil == '^' || sigil == '/' || sigil == '&') tag.remove_prefix(1);
        while (!tag.empty() && (tag.front() == ' ')) tag.remove_prefix(1);
        while (!tag.empty() && (tag.back() == ' ')) tag.remove_suffix(1);
        if (std::find(variable_names.begin(), variable_names.end(), tag) == variable_names.end()) {
            const auto close_match = closest_match(tag, variable_names);
            diagnostics.error(position_at(file, text, at),
                              "template names an unknown value " + (triple ? "{{" : open) + std::string(tag) +
                                  (triple ? "}}" : close),
                              close_match ? "did you mean " + *close_match + "?"
                                          : "the values are listed in the README beside the templates");
        }
        at = after;
    }
}

std::string trim_trailing_space(std::string text) {
    const size_t end = text.find_last_not_of(" \t\r\n");
    text.erase(end == std::string::npos ? 0 : end + 1);
    return text;
}

consteval size_t slot(std::string_view name) {
    for (size_t i = 0; i < variable_names.size(); ++i)
        if (variable_names[i] == name) return i;
    throw "not a template value";  // at compile time: a name missing from variable_names
}

// One message's values, in the reader's language. kainjow asks the context for each tag's
// name: a fixed table answers, so no map is built per message.
class MessageValues final : public kainjow::mustache::basic_context<std::string> {
public:
    MessageValues(const MessageFacts& facts, const std::string& language, Medium medium)
        : values_(variable_names.size(), false) {
        set<slot("first_name")>(facts.first_name);
        // A confirmation of an answer matched to nothing has no date: no times either.
        const bool has_date = !facts.start.date.is_special();
        set<slot("date")>(format_weekday_date(facts.start.date, language));
        set<slot("time")>(has_date ? format_time(facts.start.time, language) : std::string());
        set<slot("end_time")>(has_date ? format_time(facts.end, language) : std::string());
        set<slot("location")>(facts.location_name);
        set<slot("address")>(facts.location_address);
        set<slot("lead_name")>(facts.lead_name);
        set<slot("lead_phone")>(facts.lead_phone);
        set<slot("note")>(facts.note);
        if (facts.previous_start) {
            set<slot("previous_date")>(format_weekday_date(facts.previous_start->date, language));
            set<slot("previous_time")>(format_time(facts.previous_start->time, language));
        } else {
            set<slot("previous_date")>(std::string());
            set<slot("previous_time")>(std::string());
        }
        set<slot("session_number")>(facts.session_number > 0 ? std::to_string(facts.session_number) : "");
        set<slot("participant")>(facts.alert_participant);
        set<slot("reason")>(facts.alert_reason);
        set<slot("participant_name")>(facts.answer_from);
        set<slot("answer")>(facts.answer_words);
        // Mustache counts an empty text as true: sections test these instead.
        set<slot("has_location")>(!facts.location_name.empty());
        set<slot("has_address")>(!facts.location_address.empty());
        set<slot("has_lead_name")>(!facts.lead_name.empty());
        set<slot("has_lead_phone")>(!facts.lead_phone.empty());
        set<slot("has_note")>(!facts.note.empty());
        set<slot("has_previous")>(facts.previous_start.has_value());
        set<slot("is_session")>(facts.session_number > 0);
        set<slot("has_date")>(has_date);
        set<slot("answer_cannot_come")>(facts.answer_reading == "cannot_come");
        set<slot("answer_coming")>(facts.answer_reading == "coming");
        set<slot("answer_stop")>(facts.answer_reading == "stop");
        set<slot("answer_start")>(facts.answer_reading == "start");
        set<slot("answer_other")>(facts.answer_reading == "free_text");
        set<slot("answer_too_late")>(facts.answer_too_late);
        // Answers are read from SMS only: an e-mail must not ask her to reply.
        set<slot("by_sms")>(medium == Medium::sms);
    }

    void push(const MustacheData* data) override { sections_.push_back(data); }
    void pop() override { sections_.pop_back(); }
    const MustacheData* get(const std::string& name) const override {
        for (auto section = sections_.rbegin(); section != sections_.rend(); ++section)
            if (const MustacheData* found = (*section)->get(name)) return found;
        for (size_t i = 0; i < variable_names.size(); ++i)
            if (variable_names[i] == name) return &values_[i];
        return nullptr;
    }
    const MustacheData* get_partial(const std::string&) const override { return nullptr; }

private:
    template <size_t index>
    void set(std::string value) {
        values_[index] = MustacheData(std::move(value));
    }
    template <size_t index>
    void set(bool value) {
        values_[index] = MustacheData(value);
    }

    std::vector<MustacheData> values_;  // in the order of variable_names
    std::vector<const MustacheData*> sections_;
};

std::string primary_language(const std::string& language) { return language.substr(0, language.find('-')); }

}  // namespace

std::vector<std::string> template_names() { return {template_name_list.begin(), template_name_list.end()}; }

struct MessageRenderer::Templates {
    // language → template name → template
    std::map<std::string, std::map<std::string, std::unique_ptr<MustacheTemplate>>, std::less<>> by_language;
    AnswerWords answer_words;

    const MustacheTemplate* find(std::string_view language, const std::string& name) const {
        const auto templates = by_language.find(language);
        if (templates == by_language.end()) return nullptr;
        const auto found = templates->second.find(name);
        return found == templates->second.end() ? nullptr : found->second.get();
    }
};

MessageRenderer::MessageRenderer(std::unique_ptr<Templates> templates) : templates_(std::move(templates)) {}
MessageRenderer::MessageRenderer(MessageRenderer&&) noexcept = default;
MessageRenderer& MessageRenderer::operator=(MessageRenderer&&) noexcept = default;
MessageRenderer::~MessageRenderer() = default;

std::optional<MessageRenderer> MessageRenderer::load(const fs::path& directory, Diagnostics& diagnostics) {
    const int errors_before = diagnostics.error_count();
    std::error_code error;
    if (!fs::is_directory(directory, error)) {
        diagnostics.error(SourcePosition{directory.string()}, "the template directory does not exist",
                          "point `templates` at a directory with nl/ and en/ in it, like the shipped config/templates");
        return std::nullopt;
    }

    auto templates = std::make_unique<Templates>();
    std::vector<fs::path> language_directories;
    for (const auto& entry : fs::directory_iterator(directory, error))
        if (entry.is_directory() && entry.path().filename().string().front() != '.')
            language_directories.push_back(entry.path());
    std::sort(language_directories.begin(), language_directories.end());

    for (const fs::path& language_directory : language_directories) {
        const std::string directory_name = language_directory.filename().string();
        FieldError refusal;
        const auto language = normalise_language(directory_name, refusal);
        if (!language) {
            diagnostics.error(SourcePosition{language_directory.string()},
                              "directory \"" + directory_name + "\" is not named by a language: " + refusal.message,
                              "name each language's directory by its BCP 47 tag, e.g. nl, en, ar, pt-BR");
            continue;
        }
        std::vector<fs::path> files;
        for (const auto& entry : fs::directory_iterator(language_directory, error))
            if (entry.is_regular_file() && entry.path().extension() == template_extension)
                files.push_back(entry.path());
        std::sort(files.begin(), files.end());

        auto& by_name = templates->by_language[*language];
        for (const fs::path& file : files) {
            const std::string file_name = file.string();
            const std::string name = file.stem().string();
            if (std::find(template_name_list.begin(), template_name_list.end(), name) == template_name_list.end()) {
                const auto close_match = closest_match(name, template_name_list);
                diagnostics.error(SourcePosition{file_name}, "\"" + name + "\" is not a message kind",
                                  close_match ? "did you mean " + *close_match + template_extension.data() + "?"
                                              : "the templates are " + join_alternatives(template_name_list));
                continue;
            }
            InputText read = read_input_file(file, input_limits::template_file);
            if (read.problem == InputProblem::too_large) {
                diagnostics.error(SourcePosition{file_name}, too_large_message(input_limits::template_file),
                                  too_large_hint(input_limits::template_file));
                continue;
            }
            if (!read.ok()) {
                diagnostics.error(SourcePosition{file_name}, "the template cannot be read",
                                  "check the file's permissions");
                continue;
            }
            const std::string source = std::move(read.text);
            const int errors_in_file = diagnostics.error_count();
            check_tag_names(file_name, source, diagnostics);
            auto compiled = std::make_unique<MustacheTemplate>(source);
            if (!compiled->is_valid()) report_parse_error(file_name, source, compiled->error_message(), diagnostics);
            if (diagnostics.error_count() == errors_in_file) by_name[name] = std::move(compiled);
        }
    }

    for (const std::string_view fallback : {first_fallback, second_fallback}) {
        for (const std::string_view name : template_name_list) {
            const fs::path expected = directory / fallback / (std::string(name) + template_extension.data());
            if (templates->find(fallback, std::string(name)) || fs::exists(expected)) continue;
            diagnostics.error(SourcePosition{expected.string()}, "the " + std::string(name) + " template is missing",
                              "nl and en need every template: they stand in for any language that has none");
        }
    }
    if (auto words = AnswerWords::load(directory, diagnostics)) templates->answer_words = std::move(*words);
    if (diagnostics.error_count() > errors_before) return std::nullopt;
    return MessageRenderer(std::move(templates));
}

RenderedMessage MessageRenderer::render(const MessageFacts& facts, const std::string& language, Medium medium) const {
    // The text of one message kind, in the reader's language, else its primary language
    // ("pt-BR" reads pt), else nl and en.
    const auto text_of = [&](const MessageFacts& these) {
        const std::string name = template_name_for(these);
        RenderedMessage message;
        const MustacheTemplate* own = templates_->find(language, name);
        std::string template_language = language;
        if (!own) {
            template_language = primary_language(language);
            own = templates_->find(template_language, name);
        }
        if (own) {
            message.language = template_language;
            MessageValues values(these, language, medium);
            message.text = trim_trailing_space(own->render(values));
            return message;
        }
        const MustacheTemplate* first = templates_->find(first_fallback, name);
        const MustacheTemplate* second = templates_->find(second_fallback, name);
        if (!first || !second) throw std::logic_error("the nl and en templates are loaded with the renderer");
        message.language = std::string(first_fallback) + "+" + std::string(second_fallback);
        MessageValues first_values(these, std::string(first_fallback), medium);
        MessageValues second_values(these, std::string(second_fallback), medium);
        message.text = trim_trailing_space(first->render(first_values)) + "\n\n" +
                       trim_trailing_space(second->render(second_values));
        return message;
    };

    // The lead's own words to the group: no template around them, the same care for SMS.
    RenderedMessage message;
    if (facts.kind == DeliveryKind::group) {
        message.language = facts.group_language.empty() ? language : facts.group_language;
        message.text = trim_trailing_space(facts.group_text);
    } else {
        message = text_of(facts);
    }
    // A reminder a change notice was joined into: one message, the notice first.
    const bool joined = (facts.kind == DeliveryKind::reminder || facts.kind == DeliveryKind::appointment) &&
                        !facts.change.empty();
    if (joined) {
        MessageFacts notice = facts;
        notice.kind = DeliveryKind::change;
        const RenderedMessage first = text_of(notice);
        message.text = first.text + "\n\n" + message.text;
    }

    if (medium == Medium::email)
        message.subject = message.text.substr(0, message.text.find('\n'));
    else
        message.text = normalise_for_gsm7(message.text);
    return message;
}

bool MessageRenderer::has_language(const std::string& language) const {
    for (const std::string& tag : {language, primary_language(language)}) {
        const bool complete = std::all_of(participant_template_names.begin(), participant_template_names.end(),
                                          [&](std::string_view name) { return templates_->find(tag, std::string(name)); });
        if (complete) return true;
    }
    return false;
}

const AnswerWords& MessageRenderer::answer_words() const { return templates_->answer_words; }

std::vector<std::string> MessageRenderer::languages() const {
    std::vector<std::string> languages;
    for (const auto& [language, templates] : templates_->by_language)
        if (!templates.empty()) languages.push_back(language);
    return languages;
}

}  // namespace ritme
