// `ritme followup list [PROGRAMME] | done ID`: the follow-ups a lead should act on
// (follow_up_changes.hpp), in the language LANG names: Dutch for nl, else English.
// Marking one done is audited with the operator as actor (SUDO_USER under sudo).

#include "engine/base/translation.hpp"
#include "engine/changes/apply.hpp"
#include "engine/changes/follow_up_changes.hpp"
#include "engine/cli/commands.hpp"

#include <nlohmann/json.hpp>

#include <charconv>
#include <cstdlib>
#include <ostream>

namespace ritme {

namespace {

// The operator behind the command: the user sudo ran it for, else the process's user.
std::string operator_actor() {
    const char* sudo_user = std::getenv("SUDO_USER");
    return sudo_user && *sudo_user ? sudo_user : current_actor();
}

class FollowUpCommands {
public:
    FollowUpCommands(const CommonOptions& common, CliContext& context)
        : common_(common), context_(context), language_(language_from_environment()) {}

    void add_to(CLI::App& app) {
        root_ = app.add_subcommand("followup", "follow-ups for the leads: list the open ones, mark one done");
        root_->require_subcommand(1);
        list_ = root_->add_subcommand("list", "the open follow-ups, of one programme or of all");
        list_->add_option("PROGRAMME", programme_, "an applied programme; all when left out");
        list_->add_option("--format", format_, "output format")
            ->check(CLI::IsMember({"text", "json"}))
            ->capture_default_str();
        done_ = root_->add_subcommand("done", "mark a follow-up done (the lead acted on it)");
        done_->add_option("ID", id_text_, "the follow-up's number as `ritme followup list` shows it")->required();
    }

    int run() {
        verb_ = list_->parsed() ? "list" : "done";
        int64_t id = 0;
        if (done_->parsed()) {
            const std::string_view text = id_text_.starts_with('#') ? std::string_view(id_text_).substr(1) : id_text_;
            const auto [end, problem] = std::from_chars(text.data(), text.data() + text.size(), id);
            if (text.empty() || problem != std::errc() || end != text.data() + text.size() || id < 1) {
                error() << "ID: \"" << id_text_ << "\" is not a follow-up number; `ritme followup list` shows them\n";
                return exit_bad_input;
            }
        }
        store_ = open_database(common_, context_);
        if (!store_) return exit_failure;
        try {
            return list_->parsed() ? list() : done(id);
        } catch (const StoreError& e) {
            error() << e.what() << "; nothing changed\n";
            return exit_failure;
        }
    }

private:
    std::ostream& error() { return context_.err << "ritme followup " << verb_ << ": "; }

    int refused(const std::vector<ChangeError>& errors) {
        for (const auto& e : errors)
            error() << describe(e, [](std::string_view field) -> std::optional<std::string> {
                if (field == "id") return "ID";
                return std::nullopt;
            }) << "\n";
        return errors.front().kind == ChangeError::Kind::conflict ? exit_failure : exit_bad_input;
    }

    int list() {
        const auto result = open_follow_ups(*store_, programme_);
        if (!result.ok()) return refused(result.errors);
        if (format_ == "json") {
            auto rows = nlohmann::json::array();
            for (const auto& view : result.value)
                rows.push_back({{"id", view.follow_up.id},
                                {"cause", name_of(view.follow_up.cause)},
                                {"programme", view.follow_up.programme_id},
                                {"participant", view.follow_up.participant_id},
                                {"count", view.follow_up.count},
                                {"created_at", view.follow_up.created_at.iso()},
                                {"text", follow_up_text(view, language_)}});
            context_.out << rows.dump(2) << "\n";
            return exit_ok;
        }
        if (result.value.empty()) {
            context_.out << tr(language_, "No follow-ups are open.") << "\n";
            return exit_ok;
        }
        for (const auto& view : result.value)
            context_.out << "#" << view.follow_up.id << "  " << view.follow_up.programme_id << "  "
                         << view.follow_up.participant_id << "  " << follow_up_text(view, language_) << "\n";
        return exit_ok;
    }

    int done(int64_t id) {
        const AuditContext audit{context_.clock.now(), operator_actor(), "followup done"};
        const auto result = mark_follow_up_done(*store_, id, audit);
        if (!result.ok()) return refused(result.errors);
        context_.out << tr(language_, "Follow-up #{1} done: {2}",
                           {std::to_string(id), follow_up_text(result.value, language_)})
                     << "\n";
        return exit_ok;
    }

    const CommonOptions& common_;
    CliContext& context_;
    Language language_;
    CLI::App* root_ = nullptr;
    CLI::App* list_ = nullptr;
    CLI::App* done_ = nullptr;
    std::string verb_;
    std::string programme_, id_text_;
    std::string format_ = "text";
    std::unique_ptr<Store> store_;
};

}  // namespace

CommandAction add_follow_up_command(CLI::App& app, const CommonOptions& common, CliContext& context) {
    auto commands = std::make_shared<FollowUpCommands>(common, context);
    commands->add_to(app);
    return [commands] { return commands->run(); };
}

}  // namespace ritme
