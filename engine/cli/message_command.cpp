// `ritme message send PROGRAMME --text "…" [--text-LANG "…"] [--at "YYYY-MM-DD HH:MM"]
// [--dry-run]`: a message from the lead to the whole group, through the outbox. Prints
// per language how many read it, its segments and the SMS it costs, before (--dry-run)
// or as it is stored; never the participants' numbers.

#include "engine/changes/apply.hpp"
#include "engine/changes/group_message.hpp"
#include "engine/cli/commands.hpp"
#include "engine/daemon/daemon_setup.hpp"
#include "engine/store/store.hpp"
#include "engine/time/local_time_text.hpp"

#include <cctype>
#include <ostream>

namespace ritme {

namespace {

std::string describe_error(const ChangeError& error) {
    return describe(error, [](std::string_view field) -> std::optional<std::string> {
        if (field == "programme") return std::string("PROGRAMME");
        return "--" + std::string(field);
    });
}

// A language tag as the texts' options carry it: "ar", "pt-BR".
bool is_language_tag(std::string_view tag) {
    if (tag.empty() || tag.size() > 12) return false;
    for (const char c : tag)
        if (!std::isalnum(static_cast<unsigned char>(c)) && c != '-') return false;
    return std::isalpha(static_cast<unsigned char>(tag.front()));
}

class MessageCommands {
public:
    MessageCommands(const CommonOptions& common, CliContext& context) : common_(common), context_(context) {}

    void add_to(CLI::App& app) {
        root_ = app.add_subcommand("message", "messages from the lead to her group");
        root_->require_subcommand(1);
        send_ = root_->add_subcommand(
            "send", "send the group a message through the outbox: one per participant, on her channels (no SMS after "
                    "her STOP), after quiet hours; --text-LANG \"…\" gives the text for readers of LANG (e.g. "
                    "--text-ar), the others read the Dutch one");
        send_->add_option("PROGRAMME", request_.programme_id, "programme id")->required();
        send_->add_option("--text", dutch_, "the message in Dutch")->required();
        send_->add_option("--at", at_, "when it goes, in the programme's time: \"YYYY-MM-DD HH:MM\" (default: now)");
        send_->add_flag("--dry-run", dry_run_, "show who reads what and what it costs; store nothing");
        // The --text-LANG options are read from what CLI11 leaves over; the common options
        // (-c, --db) go before the verb.
        send_->allow_extras();
        send_->fallthrough(false);
    }

    int run() {
        if (!send_->parsed()) return exit_bad_input;
        request_.texts["nl"] = dutch_;
        const std::vector<std::string> extras = send_->remaining();
        for (size_t i = 0; i < extras.size(); ++i) {
            std::string option = extras[i], value;
            const auto equals = option.find('=');
            if (equals != std::string::npos) {
                value = option.substr(equals + 1);
                option.resize(equals);
            } else if (i + 1 < extras.size()) {
                value = extras[++i];
            } else {
                context_.err << "ritme message: " << option << " needs a text\n";
                return exit_bad_input;
            }
            const std::string language = option.starts_with("--text-") ? option.substr(7) : std::string();
            if (!is_language_tag(language) || language == "nl") {
                context_.err << "ritme message: " << option
                             << " is not an option of send; other languages' texts are --text-LANG, e.g. --text-ar\n";
                return exit_bad_input;
            }
            request_.texts[language] = value;
        }
        if (!at_.empty()) {
            request_.at = parse_local_date_and_time(at_);
            if (!request_.at) {
                context_.err << "ritme message: --at: \"" << at_
                             << "\" is not a date and a time; write it as YYYY-MM-DD HH:MM\n";
                return exit_bad_input;
            }
        }
        PlanningRules rules;
        try {
            rules = planning_rules(load_config(common_, context_));
        } catch (const UnusableConfig&) {
            return exit_bad_input;
        }
        auto store = open_database(common_, context_);
        if (!store) return exit_failure;
        try {
            const AuditContext audit{context_.clock.now(), current_actor(), "message send"};
            const auto result = send_group_message(*store, rules, request_, audit,
                                                   dry_run_ ? GroupSend::dry_run : GroupSend::send);
            if (!result.ok()) {
                for (const auto& e : result.errors) context_.err << "ritme message: " << describe_error(e) << "\n";
                return result.errors.front().kind == ChangeError::Kind::conflict ? exit_failure : exit_bad_input;
            }
            print(result.value);
        } catch (const StoreError& e) {
            context_.err << "ritme message: " << e.what() << "; nothing changed\n";
            return exit_failure;
        }
        return exit_ok;
    }

private:
    void print(const GroupMessageOutcome& outcome) {
        for (const GroupLanguage& language : outcome.languages) {
            context_.out << language.language << ": " << language.participants
                         << (language.participants == 1 ? " participant (" : " participants (")
                         << language.by_sms << " by SMS, " << language.by_email << " by e-mail); "
                         << language.sms.segments << (language.sms.segments == 1 ? " segment " : " segments ")
                         << name_of(language.sms.encoding) << ", " << language.sms_segments() << " SMS\n";
        }
        context_.out << "total: " << outcome.deliveries << (outcome.deliveries == 1 ? " message, " : " messages, ") << outcome.sms_segments() << " SMS\n";
        if (!outcome.unreached.empty()) {
            context_.out << "not reached on any channel:";
            for (const auto& id : outcome.unreached) context_.out << " " << id;
            context_.out << "\n";
        }
        if (dry_run_)
            context_.out << "dry run: nothing stored\n";
        else
            context_.out << "group message " << outcome.message_id << " goes at " << outcome.due_at.iso()
                         << " (after quiet hours where they hold)\n";
    }

    const CommonOptions& common_;
    CliContext& context_;
    CLI::App *root_ = nullptr, *send_ = nullptr;
    GroupMessageRequest request_;
    std::string dutch_, at_;
    bool dry_run_ = false;
};

}  // namespace

CommandAction add_message_command(CLI::App& app, const CommonOptions& common, CliContext& context) {
    auto commands = std::make_shared<MessageCommands>(common, context);
    commands->add_to(app);
    return [commands] { return commands->run(); };
}

}  // namespace ritme
