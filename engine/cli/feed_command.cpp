// `ritme feed add|list|revoke`: calendar feeds (ICS URLs) for a programme's leads, its
// crèche, or one participant. A feed's URL carries its secret and is printed once, when
// it is made; the database keeps only its hash, so a lost URL is revoked and made anew.

#include "engine/changes/apply.hpp"
#include "engine/changes/calendar_feeds.hpp"
#include "engine/cli/commands.hpp"
#include "engine/store/store.hpp"

#include <ostream>

namespace ritme {

namespace {

std::string describe_error(const ChangeError& error) {
    return describe(error, [](std::string_view field) -> std::optional<std::string> {
        if (field == "programme" || field == "id") return std::string(field == "id" ? "ID" : "PROGRAMME");
        return "--" + std::string(field);
    });
}

class FeedCommands {
public:
    FeedCommands(const CommonOptions& common, CliContext& context) : common_(common), context_(context) {}

    void add_to(CLI::App& app) {
        root_ = app.add_subcommand("feed", "calendar feeds (ICS) to subscribe to: make, list and revoke them");
        root_->require_subcommand(1);

        add_ = root_->add_subcommand(
            "add", "make a feed and print its URL, once (the daemon config's public_url, else its listen address, "
                   "is its start); the programme's for leads, --creche for the crèche, --participant for one woman");
        add_->add_option("PROGRAMME", request_.programme_id, "programme id")->required();
        add_->add_option("--participant", request_.participant_id, "her sessions and appointments (participant id)");
        add_->add_flag("--creche", request_.creche, "the sessions with children in care, first names and counts only");

        list_ = root_->add_subcommand("list", "list feeds (never their URLs)");
        list_->add_option("PROGRAMME", programme_, "only this programme's");

        revoke_ = root_->add_subcommand("revoke", "revoke a feed: its URL answers 404 from then on");
        revoke_->add_option("ID", id_, "feed id, as `ritme feed list` shows it")->required();
    }

    int run() {
        std::string base_url;
        if (add_->parsed()) {
            try {
                base_url = load_config(common_, context_).callback_base_url();
            } catch (const UnusableConfig&) {
                return exit_bad_input;
            }
        }
        store_ = open_database(common_, context_);
        if (!store_) return exit_failure;
        try {
            if (add_->parsed()) return add(base_url);
            if (list_->parsed()) return list();
            if (revoke_->parsed()) return revoke();
        } catch (const StoreError& e) {
            context_.err << "ritme feed: " << e.what() << "; nothing changed\n";
            return exit_failure;
        }
        return exit_bad_input;
    }

private:
    AuditContext audit(const std::string& verb) const { return {context_.clock.now(), current_actor(), "feed " + verb}; }

    int refused(const std::vector<ChangeError>& errors) {
        for (const auto& e : errors) context_.err << "ritme feed: " << describe_error(e) << "\n";
        return errors.front().kind == ChangeError::Kind::conflict ? exit_failure : exit_bad_input;
    }

    int add(const std::string& base_url) {
        const auto result = add_feed(*store_, request_, base_url, audit("add"));
        if (!result.ok()) return refused(result.errors);
        context_.out << result.value.url << "\n";
        context_.err << "ritme feed: " << result.value.feed.id << " (" << name_of(result.value.feed.kind)
                     << "); the URL is shown this once: give it only to whom it is for\n";
        return exit_ok;
    }

    int list() {
        for (const auto& feed : store_->feed_tokens(programme_)) {
            context_.out << feed.id << "  " << feed.programme_id << "  " << name_of(feed.kind);
            if (!feed.participant_id.empty()) context_.out << " " << feed.participant_id;
            context_.out << "  made " << feed.created_at.iso() << " by " << feed.created_by;
            if (feed.revoked_at) context_.out << "  revoked " << feed.revoked_at->iso();
            context_.out << "\n";
        }
        return exit_ok;
    }

    int revoke() {
        const auto result = revoke_feed(*store_, id_, audit("revoke"));
        if (!result.ok()) return refused(result.errors);
        context_.out << "revoked " << id_ << "\n";
        return exit_ok;
    }

    const CommonOptions& common_;
    CliContext& context_;
    std::unique_ptr<Store> store_;
    CLI::App *root_ = nullptr, *add_ = nullptr, *list_ = nullptr, *revoke_ = nullptr;
    FeedRequest request_;
    std::string programme_, id_;
};

}  // namespace

CommandAction add_feed_command(CLI::App& app, const CommonOptions& common, CliContext& context) {
    auto commands = std::make_shared<FeedCommands>(common, context);
    commands->add_to(app);
    return [commands] { return commands->run(); };
}

}  // namespace ritme
