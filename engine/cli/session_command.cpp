// `ritme session list|cancel|move|restore`: a lead's word on one session. A cancel or a
// move marks the session as set by the lead (lead_override), so applying the programme
// file again leaves it alone; `restore` gives the session back to the file. Each change
// prints the messages it sends; with --dry-run it is shown and not made.

#include "engine/base/text.hpp"
#include "engine/calendar/calendar.hpp"
#include "engine/changes/apply.hpp"
#include "engine/changes/lookups.hpp"
#include "engine/changes/session_changes.hpp"
#include "engine/cli/change_preview.hpp"
#include "engine/cli/commands.hpp"
#include "engine/time/local_time_text.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <charconv>
#include <ostream>

namespace ritme {

namespace {

constexpr const char* local_time_format = "YYYY-MM-DDTHH:MM, e.g. 2026-03-05T10:00";


bool all_digits(std::string_view text) {
    return !text.empty() && std::all_of(text.begin(), text.end(), [](char c) { return c >= '0' && c <= '9'; });
}


// PROGRAMME#N, as leads and the audit trail name a session.
std::optional<SessionRef> parse_session_ref(std::string_view text, std::string& why) {
    const auto hash = text.find('#');
    if (hash == std::string_view::npos) {
        why = "\"" + std::string(text) + "\" names no session; write PROGRAMME#N, e.g. almere-vrouwen-2026#10";
        return std::nullopt;
    }
    const auto programme = text.substr(0, hash);
    const auto number = text.substr(hash + 1);
    if (programme.empty()) {
        why = "\"" + std::string(text) +
              "\" has no programme id before #; write PROGRAMME#N, e.g. almere-vrouwen-2026#10";
        return std::nullopt;
    }
    SessionRef ref{std::string(programme), 0};
    const auto [end, error] = std::from_chars(number.data(), number.data() + number.size(), ref.number);
    if (!all_digits(number) || error != std::errc() || end != number.data() + number.size() || ref.number < 1) {
        why = "\"" + std::string(number) + "\" after # is not a session number; write PROGRAMME#N, N from 1, e.g. " +
              std::string(programme) + "#10";
        return std::nullopt;
    }
    return ref;
}

// A refused change as the CLI says it: fields are the options that give them.
std::string describe_error(const ChangeError& error) {
    return describe(error, [](std::string_view field) -> std::optional<std::string> {
        if (field == "to" || field == "location" || field == "reason" || field == "strict")
            return "--" + std::string(field);
        return std::nullopt;
    });
}

int exit_status_of(const std::vector<ChangeError>& errors) {
    return errors.front().kind == ChangeError::Kind::conflict ? exit_failure : exit_bad_input;
}

class SessionCommands {
public:
    SessionCommands(const CommonOptions& common, CliContext& context) : common_(common), context_(context) {}

    void add_to(CLI::App& app) {
        root_ = app.add_subcommand("session", "list, cancel, move or restore the sessions of a programme");
        root_->require_subcommand(1);

        list_ = root_->add_subcommand("list", "the stored sessions of a programme");
        list_->add_option("PROGRAMME-ID", programme_, "an applied programme")->required();
        list_->add_option("--format", format_, "output format")
            ->check(CLI::IsMember({"text", "json"}))
            ->capture_default_str();

        cancel_ = root_->add_subcommand("cancel", "cancel one session; applying the file again leaves it cancelled");
        cancel_->add_option("SESSION", ref_, "PROGRAMME#N, e.g. almere-vrouwen-2026#10")->required();
        cancel_->add_option("--reason", reason_, "why, for the audit trail (participants do not see it)")->required();
        cancel_->add_flag("--dry-run", dry_run_, ChangePreview::dry_run_help);

        move_ = root_->add_subcommand("move", "move one session; applying the file again leaves it where it is");
        move_->add_option("SESSION", ref_, "PROGRAMME#N, e.g. almere-vrouwen-2026#10")->required();
        move_->add_option("--to", to_, "new start, local time of the programme: YYYY-MM-DDTHH:MM")->required();
        move_->add_option("--location", location_, "a location key of the programme (default: where it was)");
        move_->add_flag("--dry-run", dry_run_, ChangePreview::dry_run_help);
        move_->add_flag("--strict", strict_,
                        "refuse the move, storing nothing, when it has warnings (the checks of `ritme check`)");

        restore_ = root_->add_subcommand("restore", "undo a lead's cancel or move: the session follows the file again");
        restore_->add_option("SESSION", ref_, "PROGRAMME#N, e.g. almere-vrouwen-2026#10")->required();
        restore_->add_flag("--dry-run", dry_run_, ChangePreview::dry_run_help);
    }

    int run() {
        verb_ = list_->parsed() ? "list" : cancel_->parsed() ? "cancel" : move_->parsed() ? "move" : "restore";
        // Read before the database, so a bad config changes nothing.
        if (!list_->parsed()) preview_.emplace(common_, context_, dry_run_);
        store_ = open_database(common_, context_);
        if (!store_) return exit_failure;
        try {
            if (list_->parsed()) return list();
            if (cancel_->parsed()) return cancel();
            if (move_->parsed()) return move();
            if (restore_->parsed()) return restore();
        } catch (const StoreError& e) {
            error() << e.what() << "; nothing changed\n";
            return exit_failure;
        } catch (const TimeZoneError& e) {
            error() << e.what() << "; nothing changed\n";
            return exit_failure;
        }
        return exit_bad_input;
    }

private:
    std::ostream& error() { return context_.err << "ritme session " << verb_ << ": "; }

    AuditContext audit() const { return {context_.clock.now(), current_actor(), "session " + verb_}; }

    // Prints why a change was refused; the exit status for it.
    int refused(const std::vector<ChangeError>& errors) {
        for (const auto& e : errors) error() << describe_error(e) << "\n";
        return exit_status_of(errors);
    }

    // The session `ref_` names: PROGRAMME#N, or a message saying what to write.
    std::optional<SessionRef> session_ref() {
        std::string why;
        auto ref = parse_session_ref(ref_, why);
        if (!ref) error() << why << "\n";
        return ref;
    }

    int list() {
        std::vector<ChangeError> errors;
        auto programme = find_programme(*store_, programme_, " in the database", errors);
        if (!programme) return refused(errors);
        const auto sessions = store_->sessions(programme->id);
        if (format_ == "json") {
            auto json = nlohmann::ordered_json::array();
            for (const auto& s : sessions)
                json.push_back({{"number", s.number},
                                {"date", iso_date(s.date)},
                                {"weekday", name_of(weekday_of(s.date))},
                                {"start", s.time.start.str()},
                                {"end", s.time.end.str()},
                                {"start_utc", s.start_utc.iso()},
                                {"end_utc", s.end_utc.iso()},
                                {"location", s.location},
                                {"status", name_of(s.status)},
                                {"version", s.version},
                                {"lead_override", s.lead_override}});
            context_.out << json.dump(2) << "\n";
            return exit_ok;
        }
        const size_t width = sessions.empty() ? 1 : std::to_string(sessions.back().number).size();
        for (const auto& s : sessions) {
            const std::string number = std::to_string(s.number);
            const std::string status(name_of(s.status));
            context_.out << "#" << number << std::string(width - std::min(width, number.size()), ' ') << "  "
                         << day_and_date(s.date) << " " << s.time.str() << "  " << s.location << "  " << status
                         << std::string(9 - std::min<size_t>(9, status.size()), ' ') << "  v" << s.version
                         << (s.lead_override ? "  (set by lead)" : "") << "\n";
        }
        context_.out << programme->id << ": " << counted(static_cast<int>(sessions.size()), "session", "sessions")
                     << "\n";
        return exit_ok;
    }

    int cancel() {
        // An empty reason is refused before the session is looked up, as the change does.
        std::optional<SessionRef> ref = trim(reason_).empty() ? SessionRef{} : session_ref();
        if (!ref) return exit_bad_input;
        ChangeResult<SessionChange> result;
        preview_->run(*store_, [&] {
            result = cancel_session(*store_, *ref, reason_, audit());
            return result.ok();
        });
        if (!result.ok()) return refused(result.errors);
        context_.out << result.value.after.programme_id << ": " << describe(result.value) << " (set by lead)\n";
        preview_->print(context_.out);
        return exit_ok;
    }

    int move() {
        const auto local = parse_local_date_and_time(to_);
        if (!local) {
            error() << "--to: \"" << to_ << "\" is not a date and time; write it as " << local_time_format
                    << ", from " << supported_dates_text() << "\n";
            return exit_bad_input;
        }
        const auto ref = session_ref();
        if (!ref) return exit_bad_input;
        auto school_holidays = load_school_holidays(common_, context_);
        if (!school_holidays) return exit_failure;
        ChangeResult<SessionMoved> result;
        preview_->run(*store_, [&] {
            result = move_session(*store_, *school_holidays, {*ref, *local, location_, strict_}, audit());
            return result.ok() && result.value.change.has_value();
        });
        const Language language = language_from_environment();
        for (const auto& warning : result.value.warnings)
            error() << tr(language, "warning: {1}", {warning.in(language)}) << "\n";
        if (!result.ok()) return refused(result.errors);
        const SessionMoved& moved = result.value;
        if (!moved.change) {
            context_.out << session_subject(moved.session) << " is already at " << day_and_date(moved.session.date)
                         << " " << moved.session.time.str() << " at " << moved.session.location
                         << "; nothing changed\n";
            return exit_ok;
        }
        context_.out << moved.session.programme_id << ": " << describe(*moved.change) << " (set by lead)\n";
        preview_->print(context_.out);
        return exit_ok;
    }

    int restore() {
        const auto ref = session_ref();
        if (!ref) return exit_bad_input;
        auto school_holidays = load_school_holidays(common_, context_);
        if (!school_holidays) return exit_failure;
        ChangeResult<SessionRestored> result;
        preview_->run(*store_, [&] {
            result = restore_session(*store_, *school_holidays, *ref, audit());
            return result.ok();
        });
        if (!result.ok()) {
            print_diagnostics(result.value.calendar_problems, context_.err);
            return refused(result.errors);
        }
        const SessionRestored& restored = result.value;
        context_.out << session_subject(restored.session) << ": follows the programme file again"
                     << (restored.changed ? "" : "; it is at the file's time already") << "\n";
        for (const auto& change : restored.changes) context_.out << "  " << describe(change) << "\n";
        preview_->print(context_.out);
        return exit_ok;
    }

    const CommonOptions& common_;
    CliContext& context_;
    std::unique_ptr<Store> store_;
    std::optional<ChangePreview> preview_;  // for cancel, move and restore
    bool dry_run_ = false;

    CLI::App *root_ = nullptr, *list_ = nullptr, *cancel_ = nullptr, *move_ = nullptr, *restore_ = nullptr;
    std::string verb_, programme_, ref_, reason_, to_, location_, format_ = "text";
    bool strict_ = false;
};

}  // namespace

CommandAction add_session_command(CLI::App& app, const CommonOptions& common, CliContext& context) {
    auto commands = std::make_shared<SessionCommands>(common, context);
    commands->add_to(app);
    return [commands] { return commands->run(); };
}

}  // namespace ritme
