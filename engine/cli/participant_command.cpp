// `ritme participant add|edit|list|show|remove|import|export|erase`: the people in the
// programmes. Personal data goes into the database and to the lead's terminal only;
// phone numbers are masked everywhere except `show` and `export`, and the audit trail
// names participants by their pseudonymous id alone.

#include "engine/changes/answer_listing.hpp"
#include "engine/changes/apply.hpp"
#include "engine/changes/lookups.hpp"
#include "engine/changes/participant_changes.hpp"
#include "engine/cli/commands.hpp"
#include "engine/dispatch/channel_set.hpp"
#include "engine/message/message_renderer.hpp"
#include "engine/participants/participant_listing.hpp"
#include "engine/store/store.hpp"

#include <algorithm>
#include <map>
#include <ostream>

namespace ritme {

namespace {

// The fields `add` and `edit` take; an option left out leaves the field as it is.
struct FieldOptions {
    ParticipantFields fields;

    void add_to(CLI::App* command) {
        command->add_option("--name", fields.name, "display name");
        command->add_option("--phone", fields.phone, "mobile number, e.g. 06-12345678 or +32 470 12 34 56");
        command->add_option("--email", fields.email, "e-mail address");
        command->add_option("--language", fields.language, "language for messages (BCP 47: nl, en, ar, ti, tr, uk, fa, so, …)");
        command->add_option("--channels", fields.channels, "sms, email or sms+email (default: sms with a phone, else email)");
        command->add_option("--sms-opt-out", fields.sms_opt_out, "true: send no SMS to this person");
        command->add_option("--children", fields.children, "number of children needing a crèche place");
        command->add_option("--school-calendar", fields.school_calendar, "noord, midden, zuid, or a school id");
        command->add_option("--commitment", fields.commitments,
                            "add a weekly or dated commitment, e.g. \"ma 09:00-12:00 taalles\" (repeatable)");
    }
};

// A refused change as the CLI says it: a field is the option that gives it.
std::string describe_error(const ChangeError& error) {
    return describe(error, [](std::string_view field) -> std::optional<std::string> {
        std::string option = "--" + std::string(field);
        std::replace(option.begin(), option.end(), '_', '-');
        return option;
    });
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
        edit_->add_option("--remove-commitment", edit_fields_.fields.remove_commitments,
                          "remove a commitment, named by its text as `participant show` lists it or by its number "
                          "there (1 is the first); repeatable");
        edit_->add_flag("--clear-commitments", edit_fields_.fields.clear_commitments,
                        "remove every commitment (then --commitment adds the new ones)");
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

        export_ = root_->add_subcommand(
            "export", "everything ritme holds about one person, every message to her and its receipts included, as JSON");
        export_->add_option("ID", id_, "participant id")->required();

        erase_ = root_->add_subcommand("erase", "erase a person on request, keeping only anonymous counts; with the "
                                                "daemon config (-c) her messages in the channels' folders go too");
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

    // Prints why a change was refused; the exit status for it.
    int refused(const std::vector<ChangeError>& errors) {
        for (const auto& e : errors) context_.err << "ritme participant: " << describe_error(e) << "\n";
        return errors.front().kind == ChangeError::Kind::conflict ? exit_failure : exit_bad_input;
    }

    std::optional<Participant> find(const std::string& id) {
        auto participant = store_->participant(id);
        if (!participant) refused({no_such_participant(id)});
        return participant;
    }

    int add() {
        const auto result = add_participant(*store_, add_fields_.fields, add_programmes_, audit("add"));
        if (!result.ok()) return refused(result.errors);
        context_.out << result.value.id << "\n";
        warn_without_templates({result.value});
        return exit_ok;
    }

    // A language with no templates of its own gets the nl and en texts: the lead should
    // know before the first reminder goes. Said once per language; nothing when the
    // templates cannot be read (`ritme config check` reports that).
    void warn_without_templates(const std::vector<Participant>& people) {
        std::map<std::string, int> missing;
        try {
            const DaemonConfig config = load_config(common_, context_);
            Diagnostics ignored;
            const auto renderer = MessageRenderer::load(config.templates, ignored);
            if (!renderer) return;
            for (const auto& p : people)
                if (!renderer->has_language(p.language)) ++missing[p.language];
            for (const auto& [language, count] : missing)
                context_.err << "ritme participant: warning: no templates in language \"" << language << "\" ("
                             << count << (count == 1 ? " participant" : " participants") << ") in "
                             << config.templates.string()
                             << "; they get the Dutch and English texts; add " << language
                             << "/ beside nl/ and en/, or choose a language that has templates\n";
        } catch (const UnusableConfig&) {
        }
    }

    int edit() {
        const auto result = edit_participant(*store_, id_, edit_fields_.fields, enrol_, unenrol_, audit("edit"));
        if (!result.ok()) return refused(result.errors);
        const ParticipantEdited& edited = result.value;
        std::string said = edited.fields.empty() ? "" : "changed " + edited.fields;
        for (const auto& line : edited.enrolments) said += (said.empty() ? "" : "; ") + line;
        context_.out << edited.participant.id << ": " << (said.empty() ? "no field changed" : said) << "\n";
        return exit_ok;
    }

    int list() {
        if (!programme_.empty()) {
            if (auto errors = unknown_programmes(*store_, {programme_}); !errors.empty()) return refused(errors);
        }
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
        if (format_ == "json") {
            auto record = participant_json(*p, programmes, PhoneDisplay::full);
            record["messages"] = messages_json(p->id);
            record["answers"] = answers_json(p->id);
            context_.out << record.dump(2) << "\n";
            return exit_ok;
        }
        context_.out << participant_card(*p, programmes);
        print_messages(p->id);
        return exit_ok;
    }

    // Her messages with their states and gateway reports, then her answers with her
    // words: the lead's terminal only.
    void print_messages(const std::string& participant_id) {
        DeliveryQuery hers;
        hers.participant_id = participant_id;
        hers.kinds = {DeliveryKind::reminder, DeliveryKind::appointment, DeliveryKind::change,
                      DeliveryKind::confirmation};
        const auto messages = store_->deliveries(hers);
        context_.out << "messages:" << (messages.empty() ? " none" : "") << "\n";
        for (const auto& d : messages) {
            const UtcInstant when = d.sent_at.value_or(d.send_at);
            context_.out << "  " << when.iso() << "  " << name_of(d.kind) << "  " << d.channel << "  "
                         << name_of(d.state) << (d.reason.empty() ? "" : " (" + d.reason + ")") << "\n";
            for (const auto& r : store_->receipts(d.id))
                context_.out << "    " << r.at.iso() << "  " << r.status << (r.detail.empty() ? "" : " (" + r.detail + ")")
                             << "\n";
        }
        const auto answers = store_->answers(participant_id);
        context_.out << "answers:" << (answers.empty() ? " none" : "") << "\n";
        for (const auto& a : answers)
            context_.out << "  " << a.received_at.iso() << "  \"" << a.words << "\"  " << answer_outcome(*store_, a)
                         << "\n";
    }

    nlohmann::ordered_json answers_json(const std::string& participant_id) const {
        auto list = nlohmann::ordered_json::array();
        for (const auto& a : store_->answers(participant_id))
            list.push_back({{"id", a.id},
                            {"received_at", a.received_at.iso()},
                            {"channel", a.channel},
                            {"words", a.words},
                            {"read_as", name_of(a.reading)},
                            {"programme", a.programme_id},
                            {"delivery", a.delivery_id},
                            {"session", a.session_id},
                            {"appointment", a.appointment_id},
                            {"too_late", a.too_late},
                            {"for_lead", a.for_lead},
                            {"lead_message", a.lead_delivery_id},
                            {"outcome", answer_outcome(*store_, a)}});
        return list;
    }

    int remove() {
        const auto result = remove_participant(*store_, id_, audit("remove"));
        if (!result.ok()) return refused(result.errors);
        context_.out << id_ << ": removed\n";
        return exit_ok;
    }

    int import() {
        const auto result = plan_participant_import(*store_, file_, programme_);
        if (!result.ok()) return refused(result.errors);
        const ImportPlan& plan = result.value;
        print_diagnostics(plan.problems, context_.err);
        if (plan.problems.has_errors()) {
            context_.err << "ritme participant import: nothing imported; fix the rows above and import again\n";
            return exit_bad_input;
        }
        for (const auto& row : plan.rows)
            context_.out << (dry_run_ && row.what != "unchanged" ? "would " : "") << row.what << ": "
                         << participant_line(row.participant, {}) << (row.enrol ? "  -> " + programme_ : "") << "\n";
        if (dry_run_) {
            context_.out << plan.rows.size() << " rows; nothing changed (--dry-run)\n";
            return exit_ok;
        }
        import_participants(*store_, plan, audit("import"));
        context_.out << plan.rows.size() << " rows imported into " << programme_ << "\n";
        std::vector<Participant> people;
        for (const auto& row : plan.rows) people.push_back(row.participant);
        warn_without_templates(people);
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
        record["messages"] = messages_json(p->id);
        record["answers"] = answers_json(p->id);
        context_.out << record.dump(2) << "\n";
        return exit_ok;
    }

    // Every message to her, whatever became of it, with every gateway report. Alerts to
    // her lead about her are left out: they went to another person.
    nlohmann::ordered_json messages_json(const std::string& participant_id) const {
        DeliveryQuery hers;
        hers.participant_id = participant_id;
        hers.kinds = {DeliveryKind::reminder, DeliveryKind::appointment, DeliveryKind::change,
                      DeliveryKind::confirmation};
        auto messages = nlohmann::ordered_json::array();
        for (const auto& d : store_->deliveries(hers)) {
            auto receipts = nlohmann::ordered_json::array();
            for (const auto& r : store_->receipts(d.id))
                receipts.push_back({{"at", r.at.iso()}, {"status", r.status}, {"detail", r.detail}});
            nlohmann::ordered_json message = {{"id", d.id},
                                              {"kind", name_of(d.kind)},
                                              {"programme", d.programme_id},
                                              {"session", d.session_id},
                                              {"appointment", d.appointment_id},
                                              {"offset", d.offset},
                                              {"channel", d.channel},
                                              {"state", name_of(d.state)},
                                              {"attempts", d.attempts},
                                              {"reason", d.reason},
                                              {"due_at", d.due_at.iso()},
                                              {"send_at", d.send_at.iso()},
                                              {"expires_at", d.expires_at.iso()},
                                              {"sent_at", d.sent_at ? nlohmann::ordered_json(d.sent_at->iso()) : nullptr},
                                              {"updated_at", d.updated_at.iso()},
                                              {"provider_id", d.provider_id},
                                              {"provider_status", d.provider_status},
                                              {"receipts", receipts}};
            messages.push_back(std::move(message));
        }
        return messages;
    }

    int erase() {
        // Her messages also lie in channels' own folders (the outbox adapter's files). The
        // channels are made from the daemon config before anything is erased, so a config
        // that cannot be used erases nothing.
        const DaemonConfig config = load_config(common_, context_);
        std::optional<ChannelSet> channels;
        if (!config.channels.empty()) {
            const ChannelRegistry* registry = channel_registry(context_);
            if (!registry) return exit_failure;
            Diagnostics problems;
            channels = ChannelSet::from_config(config, *registry, problems);
            print_diagnostics(problems, context_.err);
            if (!channels) {
                context_.err << "ritme participant erase: nothing erased; fix the channels above first\n";
                return exit_bad_input;
            }
        }
        if (!store_->participant(id_) && was_erased(id_)) return empty_the_log();
        const auto result = erase_participant(*store_, id_, audit("erase"));
        if (!result.ok()) return refused(result.errors);
        // The deleted rows were overwritten (secure_delete); this empties the log too. The
        // channels' folders are cleaned whatever it finds: her rows are gone already.
        const bool log_emptied = store_->purge_deleted();
        if (log_emptied)
            context_.out << id_ << ": erased; anonymous enrolment counts kept\n";
        else
            report_log_not_emptied();
        const int channels_status = forget_in_channels(channels, result.value);
        return log_emptied ? channels_status : exit_failure;
    }

    // Whether the audit trail says `id` was erased: her rows are gone, but the log may not
    // have been emptied then.
    bool was_erased(const std::string& id) const {
        const auto entries = store_->audit();
        return std::any_of(entries.begin(), entries.end(), [&](const AuditEntry& entry) {
            return entry.action == "participant.erased" && entry.subject == id;
        });
    }

    // Erase again after a reader kept the log from being emptied.
    int empty_the_log() {
        if (!store_->purge_deleted()) {
            report_log_not_emptied();
            return exit_failure;
        }
        context_.out << id_ << ": erased; the write-ahead log holds nothing of her now\n";
        return exit_ok;
    }

    void report_log_not_emptied() {
        context_.err << "ritme participant erase: " << id_ << " is deleted from the tables, but another process is "
                     << "reading the database (the daemon, or a command still running), so her data may remain in "
                     << "the write-ahead log of " << store_->location() << "; stop the daemon or wait for that command, then run `ritme participant "
                     << "erase " << id_ << "` again to empty the log\n";
    }

    int forget_in_channels(std::optional<ChannelSet>& channels, const ParticipantErased& erased) {
        if (!channels) {
            if (erased.delivery_ids.empty()) return exit_ok;
            std::string files;
            for (int64_t id : erased.delivery_ids) files += (files.empty() ? "" : " ") + std::to_string(id) + ".txt";
            context_.err << "ritme participant erase: the outbox folder was not cleaned: no daemon config names the "
                            "channels (give it with -c or RITME_CONFIG). Her messages there are the files "
                         << files << "; delete them by hand\n";
            return exit_ok;
        }
        bool all_removed = true;
        for (const auto& [channel, forgotten] : channels->forget({erased.id, erased.delivery_ids})) {
            if (forgotten.removed > 0)
                context_.out << "channel " << channel << ": removed " << forgotten.removed << " of her messages\n";
            for (const auto& problem : forgotten.problems) {
                context_.err << "ritme participant erase: channel " << channel << ": " << problem << "\n";
                all_removed = false;
            }
        }
        if (!all_removed) {
            context_.err << "ritme participant erase: remove the files above by hand\n";
            return exit_failure;
        }
        return exit_ok;
    }

    const CommonOptions& common_;
    CliContext& context_;
    std::unique_ptr<Store> store_;

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
