// `ritme lead add|edit|list|remove|link|revoke`: the leads (programmaleiders), the
// programmes they lead, and their sign-in links. The operator's own terminal shows a
// lead's full number and address; the audit trail names her by id alone.

#include "engine/changes/apply.hpp"
#include "engine/changes/lead_changes.hpp"
#include "engine/cli/commands.hpp"
#include "engine/store/store.hpp"

#include <algorithm>
#include <ostream>

namespace ritme {

namespace {

struct FieldOptions {
    LeadFields fields;

    void add_to(CLI::App* command) {
        command->add_option("--name", fields.name, "name, as she is known to participants");
        command->add_option("--email", fields.email, "work e-mail address (empty: none)");
        command->add_option("--mobile", fields.mobile, "work mobile number, e.g. 06-12345678 (empty: none)");
    }
};

std::string describe_error(const ChangeError& error) {
    return describe(error, [](std::string_view field) -> std::optional<std::string> {
        return "--" + std::string(field);
    });
}

std::string joined(const std::vector<std::string>& items) {
    std::string out;
    for (const auto& item : items) out += (out.empty() ? "" : ",") + item;
    return out.empty() ? "-" : out;
}

class LeadCommands {
public:
    LeadCommands(const CommonOptions& common, CliContext& context) : common_(common), context_(context) {}

    void add_to(CLI::App& app) {
        root_ = app.add_subcommand("lead", "add, change, list and remove leads; make sign-in links; revoke access");
        root_->require_subcommand(1);

        add_ = root_->add_subcommand("add", "add a lead; prints her id");
        add_fields_.add_to(add_);
        add_->add_option("--programme", add_programmes_, "a programme she leads (repeatable)");

        edit_ = root_->add_subcommand("edit", "change a lead; options left out stay as they are");
        edit_->add_option("ID", id_, "lead id")->required();
        edit_fields_.add_to(edit_);
        edit_->add_option("--programme", add_programmes_, "she leads this programme too (repeatable)");
        edit_->add_option("--remove-programme", remove_programmes_, "she no longer leads this programme (repeatable)");

        list_ = root_->add_subcommand("list", "list leads with the programmes they lead");

        remove_ = root_->add_subcommand("remove", "remove a lead; her sessions end at once");
        remove_->add_option("ID", id_, "lead id")->required();

        link_ = root_->add_subcommand(
            "link", "print a one-time sign-in link for her (valid 24 hours), to send her; the daemon config's "
                    "public_url (else its listen address) is the link's start");
        link_->add_option("ID", id_, "lead id")->required();

        revoke_ = root_->add_subcommand("revoke", "sign her out everywhere and withdraw her open links");
        revoke_->add_option("ID", id_, "lead id")->required();
    }

    int run() {
        std::string base_url;
        if (link_->parsed()) {
            try {
                base_url = load_config(common_, context_).callback_base_url();
            } catch (const UnusableConfig&) {
                return exit_bad_input;
            }
        }
        store_ = open_database(common_, context_);
        if (!store_) return exit_failure;
        try {
            if (add_->parsed()) return add();
            if (edit_->parsed()) return edit();
            if (list_->parsed()) return list();
            if (remove_->parsed()) return remove();
            if (link_->parsed()) return link(base_url);
            if (revoke_->parsed()) return revoke();
        } catch (const StoreError& e) {
            context_.err << "ritme lead: " << e.what() << "; nothing changed\n";
            return exit_failure;
        }
        return exit_bad_input;
    }

private:
    AuditContext audit(const std::string& verb) const { return {context_.clock.now(), current_actor(), "lead " + verb}; }

    int refused(const std::vector<ChangeError>& errors) {
        for (const auto& e : errors) context_.err << "ritme lead: " << describe_error(e) << "\n";
        return errors.front().kind == ChangeError::Kind::conflict ? exit_failure : exit_bad_input;
    }

    int add() {
        const auto result = add_lead(*store_, add_fields_.fields, add_programmes_, audit("add"));
        if (!result.ok()) return refused(result.errors);
        context_.out << result.value.id << "\n";
        return exit_ok;
    }

    int edit() {
        const auto result =
            edit_lead(*store_, id_, edit_fields_.fields, add_programmes_, remove_programmes_, audit("edit"));
        if (!result.ok()) return refused(result.errors);
        std::string said = result.value.fields.empty() ? "" : "changed " + result.value.fields;
        for (const auto& line : result.value.programmes) said += (said.empty() ? "" : "; ") + line;
        context_.out << id_ << ": " << (said.empty() ? "no field changed" : said) << "\n";
        return exit_ok;
    }

    int list() {
        for (const auto& lead : store_->leads())
            context_.out << lead.id << "  " << lead.name << "  mobile " << (lead.mobile.empty() ? "-" : lead.mobile)
                         << "  email " << (lead.email.empty() ? "-" : lead.email) << "  programmes "
                         << joined(lead.programmes) << "\n";
        return exit_ok;
    }

    int remove() {
        const auto result = remove_lead(*store_, id_, audit("remove"));
        if (!result.ok()) return refused(result.errors);
        context_.out << "removed " << id_ << "\n";
        return exit_ok;
    }

    int link(const std::string& base_url) {
        const auto result = make_sign_in_link(*store_, id_, base_url, audit("link"));
        if (!result.ok()) return refused(result.errors);
        context_.out << result.value.url << "\n";
        context_.err << "ritme lead: one-time link for " << id_ << ", valid until " << result.value.expires_at.iso()
                     << "; send it to her only\n";
        return exit_ok;
    }

    int revoke() {
        const auto result = revoke_lead(*store_, id_, audit("revoke"));
        if (!result.ok()) return refused(result.errors);
        context_.out << id_ << ": " << result.value << (result.value == 1 ? " session or link" : " sessions and links")
                     << " ended\n";
        return exit_ok;
    }

    const CommonOptions& common_;
    CliContext& context_;
    std::unique_ptr<Store> store_;
    CLI::App *root_ = nullptr, *add_ = nullptr, *edit_ = nullptr, *list_ = nullptr, *remove_ = nullptr,
             *link_ = nullptr, *revoke_ = nullptr;
    FieldOptions add_fields_, edit_fields_;
    std::vector<std::string> add_programmes_, remove_programmes_;
    std::string id_;
};

}  // namespace

CommandAction add_lead_command(CLI::App& app, const CommonOptions& common, CliContext& context) {
    auto commands = std::make_shared<LeadCommands>(common, context);
    commands->add_to(app);
    return [commands] { return commands->run(); };
}

}  // namespace ritme
