// `ritme participant add|edit|list|show|remove|import|export|erase`: the people in the
// programmes. Personal data goes into the database and to the lead's terminal only;
// phone numbers are masked everywhere except `show` and `export`, and the audit trail
// names participants by their pseudonymous id alone.

#include "engine/base/did_you_mean.hpp"
#include "engine/changes/apply.hpp"
#include "engine/cli/commands.hpp"
#include "engine/participants/participant_csv.hpp"
#include "engine/participants/participant_fields.hpp"
#include "engine/participants/participant_listing.hpp"
#include "engine/store/sqlite_store.hpp"

#include <ostream>

namespace ritme {

namespace {

// The fields `add` and `edit` take; an option left out leaves the field as it is.
struct FieldOptions {
    std::optional<std::string> name, phone, email, language, channels, children, school_calendar;
    std::optional<bool> sms_opt_out;
    std::vector<std::string> commitments;
    bool clear_commitments = false;

    void add_to(CLI::App* command) {
        command->add_option("--name", name, "display name");
        command->add_option("--phone", phone, "mobile number, e.g. 06-12345678 or +32 470 12 34 56");
        command->add_option("--email", email, "e-mail address");
        command->add_option("--language", language, "language for messages (BCP 47: nl, en, ar, ti, tr, uk, fa, so, …)");
        command->add_option("--channels", channels, "sms, email or sms+email (default: sms with a phone, else email)");
        command->add_option("--sms-opt-out", sms_opt_out, "true: send no SMS to this person");
        command->add_option("--children", children, "number of children needing a crèche place");
        command->add_option("--school-calendar", school_calendar, "noord, midden, zuid, or a school id");
        command->add_option("--commitment", commitments, "weekly or dated commitment, e.g. \"ma 09:00-12:00 taalles\"");
    }
};

// Applies the options to `p`, printing every bad value; false when there was one.
bool apply_fields(const FieldOptions& options, const std::vector<std::string>& school_ids, Participant& p,
                  std::ostream& err) {
    bool ok = true;
    auto report = [&](const char* option, const FieldError& error) {
        err << "ritme participant: " << option << ": " << error.message
            << (error.hint.empty() ? "" : "; " + error.hint) << "\n";
        ok = false;
    };
    FieldError error;
    if (options.name) {
        if (auto v = normalise_name(*options.name, error)) p.name = *v;
        else report("--name", error);
    }
    if (options.phone) {
        if (options.phone->empty()) p.phone.clear();
        else if (auto v = normalise_mobile_number(*options.phone, error)) p.phone = *v;
        else report("--phone", error);
    }
    if (options.email) {
        if (options.email->empty()) p.email.clear();
        else if (auto v = normalise_email(*options.email, error)) p.email = *v;
        else report("--email", error);
    }
    if (options.language) {
        if (auto v = normalise_language(*options.language, error)) p.language = *v;
        else report("--language", error);
    }
    if (options.channels) {
        if (auto v = parse_channels(*options.channels, error)) p.channels = *v;
        else report("--channels", error);
    } else if (!p.channels.sms && !p.channels.email) {
        p.channels = p.phone.empty() ? Channels{false, true} : Channels{true, false};
    }
    if (options.sms_opt_out) p.sms_opt_out = *options.sms_opt_out;
    if (options.children) {
        if (auto v = parse_children_in_care(*options.children, error)) p.children_in_care = *v;
        else report("--children", error);
    }
    if (options.school_calendar) {
        if (options.school_calendar->empty()) p.school_calendar.clear();
        else if (auto v = normalise_school_calendar(*options.school_calendar, school_ids, error)) p.school_calendar = *v;
        else report("--school-calendar", error);
    }
    if (options.clear_commitments || !options.commitments.empty()) p.commitments.clear();
    for (const auto& text : options.commitments) {
        if (auto v = parse_commitment(text, error)) p.commitments.push_back(*v);
        else report("--commitment", error);
    }
    if (!ok) return false;
    if (p.name.empty()) {
        err << "ritme participant: --name is required\n";
        return false;
    }
    if (p.phone.empty() && p.email.empty()) {
        err << "ritme participant: give --phone or --email, so reminders can reach this person\n";
        return false;
    }
    if (p.channels.sms && p.phone.empty()) {
        err << "ritme participant: --channels includes sms but there is no phone number; add --phone or choose email\n";
        return false;
    }
    if (p.channels.email && p.email.empty()) {
        err << "ritme participant: --channels includes email but there is no e-mail address; add --email or choose sms\n";
        return false;
    }
    return true;
}

// The names of the fields that differ: what the audit trail says about an edit.
std::string changed_fields(const Participant& a, const Participant& b) {
    std::string out;
    auto note = [&](bool differs, const char* field) {
        if (differs) out += (out.empty() ? "" : ", ") + std::string(field);
    };
    note(a.name != b.name, "name");
    note(a.phone != b.phone, "phone");
    note(a.email != b.email, "email");
    note(a.language != b.language, "language");
    note(!(a.channels == b.channels), "channels");
    note(a.sms_opt_out != b.sms_opt_out, "sms_opt_out");
    note(a.children_in_care != b.children_in_care, "children_in_care");
    note(a.school_calendar != b.school_calendar, "school_calendar");
    note(!(a.commitments == b.commitments), "commitments");
    return out;
}

class ParticipantCommands {
public:
    ParticipantCommands(const CommonOptions& common, CliContext& context) : common_(common), context_(context) {}

    void add_to(CLI::App& app) {
        root_ = app.add_subcommand("participant", "add, change, list, import, export and erase participants");
        root_->require_subcommand(1);

        add_ = root_->add_subcommand("add", "add a participant");
        add_fields_.add_to(add_);
        add_->add_option("--programme", add_programmes_, "enrol in this programme (repeatable)");

        edit_ = root_->add_subcommand("edit", "change a participant; options left out stay as they are");
        edit_->add_option("ID", id_, "participant id")->required();
        edit_fields_.add_to(edit_);
        edit_->add_flag("--clear-commitments", edit_fields_.clear_commitments, "remove every commitment");
        edit_->add_option("--enrol", enrol_, "enrol in this programme (repeatable)");
        edit_->add_option("--unenrol", unenrol_, "take out of this programme (repeatable)");

        list_ = root_->add_subcommand("list", "list participants, phone numbers masked");
        list_->add_option("--programme", programme_, "only those enrolled in this programme");
        add_format(list_);

        show_ = root_->add_subcommand("show", "everything about one participant, full phone number included");
        show_->add_option("ID", id_, "participant id")->required();
        add_format(show_);

        remove_ = root_->add_subcommand("remove", "delete a participant added by mistake, enrolments included");
        remove_->add_option("ID", id_, "participant id")->required();

        import_ = root_->add_subcommand("import", "add participants from a CSV file, all or nothing");
        import_->add_option("FILE", file_, "CSV file (UTF-8; ; or , separated)")->required();
        import_->add_option("--programme", programme_, "enrol everyone in this programme")->required();
        import_->add_flag("--dry-run", dry_run_, "show what would change, change nothing");

        export_ = root_->add_subcommand("export", "everything ritme holds about one person, as JSON");
        export_->add_option("ID", id_, "participant id")->required();

        erase_ = root_->add_subcommand("erase", "erase a person on request, keeping only anonymous counts");
        erase_->add_option("ID", id_, "participant id")->required();
    }

    int run() {
        store_ = open_database(common_, context_);
        if (!store_) return exit_failure;
        try {
            if (add_->parsed()) return add();
            if (edit_->parsed()) return edit();
            if (list_->parsed()) return list();
            if (show_->parsed()) return show();
            if (remove_->parsed()) return remove();
            if (import_->parsed()) return import();
            if (export_->parsed()) return export_json();
            if (erase_->parsed()) return erase();
        } catch (const StoreError& e) {
            context_.err << "ritme participant: " << e.what() << "; nothing changed\n";
            return exit_failure;
        }
        return exit_bad_input;
    }

private:
    void add_format(CLI::App* command) {
        command->add_option("--format", format_, "output format")
            ->check(CLI::IsMember({"text", "json"}))
            ->capture_default_str();
    }

    AuditContext audit(const std::string& verb) const {
        return {context_.clock.now(), current_actor(), "participant " + verb};
    }

    // Each name must be a stored programme; says which are known when one is not.
    bool programmes_exist(const std::vector<std::string>& ids) {
        const auto known = store_->programme_ids();
        bool ok = true;
        for (const auto& id : ids) {
            if (std::find(known.begin(), known.end(), id) != known.end()) continue;
            std::vector<std::string_view> candidates(known.begin(), known.end());
            const auto match = closest_match(id, candidates);
            context_.err << "ritme participant: no programme \"" << id << "\""
                         << (match ? "; did you mean " + *match + "?" : "; apply its file first with `ritme apply`")
                         << "\n";
            ok = false;
        }
        return ok;
    }

    std::optional<Participant> find(const std::string& id) {
        auto participant = store_->participant(id);
        if (!participant) context_.err << "ritme participant: no participant " << id << "; see `ritme participant list`\n";
        return participant;
    }

    int add() {
        Participant p;
        p.id = generate_participant_id();
        if (!apply_fields(add_fields_, store_->school_ids(), p, context_.err) || !programmes_exist(add_programmes_))
            return exit_bad_input;
        const AuditContext context = audit("add");
        store_->write([&] {
            store_->put_participant(p);
            store_->record(context.entry("participant.added", p.id, ""));
            for (const auto& programme : add_programmes_) {
                store_->enrol(p.id, programme);
                store_->record(context.entry("participant.enrolled", p.id, programme));
            }
        });
        context_.out << p.id << "\n";
        return exit_ok;
    }

    int edit() {
        auto before = find(id_);
        if (!before) return exit_bad_input;
        Participant p = *before;
        if (!apply_fields(edit_fields_, store_->school_ids(), p, context_.err) || !programmes_exist(enrol_) ||
            !programmes_exist(unenrol_))
            return exit_bad_input;
        const AuditContext context = audit("edit");
        const std::string fields = changed_fields(*before, p);
        store_->write([&] {
            if (!fields.empty()) {
                store_->put_participant(p);
                store_->record(context.entry("participant.changed", p.id, fields));
            }
            for (const auto& programme : enrol_) {
                store_->enrol(p.id, programme);
                store_->record(context.entry("participant.enrolled", p.id, programme));
            }
            for (const auto& programme : unenrol_) {
                store_->unenrol(p.id, programme);
                store_->record(context.entry("participant.unenrolled", p.id, programme));
            }
        });
        context_.out << p.id << ": " << (fields.empty() ? "no field changed" : "changed " + fields) << "\n";
        return exit_ok;
    }

    int list() {
        if (!programme_.empty() && !programmes_exist({programme_})) return exit_bad_input;
        auto json = nlohmann::ordered_json::array();
        for (const auto& p : store_->participants()) {
            const auto programmes = store_->programmes_of(p.id);
            if (!programme_.empty() && std::find(programmes.begin(), programmes.end(), programme_) == programmes.end())
                continue;
            if (format_ == "json")
                json.push_back(participant_json(p, programmes, PhoneDisplay::masked));
            else
                context_.out << participant_line(p, programmes) << "\n";
        }
        if (format_ == "json") context_.out << json.dump(2) << "\n";
        return exit_ok;
    }

    int show() {
        auto p = find(id_);
        if (!p) return exit_bad_input;
        const auto programmes = store_->programmes_of(p->id);
        if (format_ == "json")
            context_.out << participant_json(*p, programmes, PhoneDisplay::full).dump(2) << "\n";
        else
            context_.out << participant_card(*p, programmes);
        return exit_ok;
    }

    int remove() {
        if (!find(id_)) return exit_bad_input;
        const AuditContext context = audit("remove");
        store_->write([&] {
            store_->delete_participant(id_, false);
            store_->record(context.entry("participant.removed", id_, ""));
        });
        context_.out << id_ << ": removed\n";
        return exit_ok;
    }

    // A row is the same person as a stored participant when the phone number, or
    // else the e-mail address, is the same: importing the list again updates them.
    std::optional<Participant> stored_match(const Participant& row, const std::vector<Participant>& stored) {
        for (const auto& p : stored)
            if ((!row.phone.empty() && p.phone == row.phone) || (row.phone.empty() && !row.email.empty() && p.email == row.email))
                return p;
        return std::nullopt;
    }

    int import() {
        if (!programmes_exist({programme_})) return exit_bad_input;
        const auto school_ids = store_->school_ids();
        ParticipantCsv csv = read_participant_csv_file(file_, school_ids);
        print_diagnostics(csv.diagnostics, context_.err);
        if (csv.diagnostics.has_errors()) {
            context_.err << "ritme participant import: nothing imported; fix the rows above and import again\n";
            return exit_bad_input;
        }
        const auto stored = store_->participants();
        struct Planned {
            Participant participant;
            std::string what;  // "add", "update (phone, channels)", "unchanged"
            bool enrol;
        };
        std::vector<Planned> plan;
        for (auto& row : csv.participants) {
            Participant p = row.participant;
            if (auto existing = stored_match(p, stored)) {
                p.id = existing->id;
                const auto fields = changed_fields(*existing, p);
                const auto programmes = store_->programmes_of(p.id);
                const bool enrolled = std::find(programmes.begin(), programmes.end(), programme_) != programmes.end();
                plan.push_back({p, fields.empty() ? "unchanged" : "update (" + fields + ")", !enrolled});
            } else {
                p.id = generate_participant_id();
                plan.push_back({p, "add", true});
            }
        }
        for (const auto& item : plan)
            context_.out << (dry_run_ && item.what != "unchanged" ? "would " : "") << item.what << ": "
                         << participant_line(item.participant, {}) << (item.enrol ? "  -> " + programme_ : "") << "\n";
        if (dry_run_) {
            context_.out << plan.size() << " rows; nothing changed (--dry-run)\n";
            return exit_ok;
        }
        const AuditContext context = audit("import");
        store_->write([&] {
            for (const auto& item : plan) {
                if (item.what == "add") {
                    store_->put_participant(item.participant);
                    store_->record(context.entry("participant.added", item.participant.id, file_));
                } else if (item.what != "unchanged") {
                    store_->put_participant(item.participant);
                    store_->record(context.entry("participant.changed", item.participant.id, item.what));
                }
                if (item.enrol) {
                    store_->enrol(item.participant.id, programme_);
                    store_->record(context.entry("participant.enrolled", item.participant.id, programme_));
                }
            }
        });
        context_.out << plan.size() << " rows imported into " << programme_ << "\n";
        return exit_ok;
    }

    int export_json() {
        auto p = find(id_);
        if (!p) return exit_bad_input;
        auto record = participant_json(*p, store_->programmes_of(p->id), PhoneDisplay::full);
        auto history = nlohmann::ordered_json::array();
        for (const auto& entry : store_->audit())
            if (entry.subject == p->id)
                history.push_back({{"at", entry.at.iso()},
                                   {"actor", entry.actor},
                                   {"command", entry.command},
                                   {"action", entry.action},
                                   {"details", entry.details}});
        record["history"] = history;
        context_.out << record.dump(2) << "\n";
        return exit_ok;
    }

    int erase() {
        if (!find(id_)) return exit_bad_input;
        const AuditContext context = audit("erase");
        store_->write([&] {
            store_->delete_participant(id_, true);
            store_->record(context.entry("participant.erased", id_, ""));
        });
        // The deleted rows were overwritten (secure_delete); this empties the log too.
        store_->checkpoint();
        context_.out << id_ << ": erased; anonymous enrolment counts kept\n";
        return exit_ok;
    }

    const CommonOptions& common_;
    CliContext& context_;
    std::unique_ptr<SqliteStore> store_;

    CLI::App *root_ = nullptr, *add_ = nullptr, *edit_ = nullptr, *list_ = nullptr, *show_ = nullptr,
             *remove_ = nullptr, *import_ = nullptr, *export_ = nullptr, *erase_ = nullptr;
    FieldOptions add_fields_, edit_fields_;
    std::vector<std::string> add_programmes_, enrol_, unenrol_;
    std::string id_, programme_, file_, format_ = "text";
    bool dry_run_ = false;
};

}  // namespace

CommandAction add_participant_command(CLI::App& app, const CommonOptions& common, CliContext& context) {
    auto commands = std::make_shared<ParticipantCommands>(common, context);
    commands->add_to(app);
    return [commands] { return commands->run(); };
}

}  // namespace ritme
