// `ritme attendance mark|list|export`: the attendance register (presentielijst) of a
// programme. The rules are attendance_changes.hpp's; this parses, calls and prints, in
// the language LANG (or LC_MESSAGES, LC_ALL) names: Dutch for nl, else English.

#include "engine/base/atomic_file.hpp"
#include "engine/base/did_you_mean.hpp"
#include "engine/base/text.hpp"
#include "engine/base/translation.hpp"
#include "engine/base/utf8.hpp"
#include "engine/changes/apply.hpp"
#include "engine/changes/attendance_changes.hpp"
#include "engine/cli/commands.hpp"
#include "engine/message/follow_up_text.hpp"
#include "engine/message/local_dates.hpp"

#include <nlohmann/json.hpp>

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <charconv>
#include <cstdlib>
#include <ostream>

namespace ritme {

namespace {

// The register's one sign per session and participant; a legend under it says them in words.
char sign_of(std::optional<AttendanceStatus> status) {
    if (!status) return '.';
    switch (*status) {
        case AttendanceStatus::present: return '+';
        case AttendanceStatus::absent: return '-';
        case AttendanceStatus::excused: return '/';
    }
    return '?';
}

// Left-aligned in `width` characters (code points: names are UTF-8).
std::string padded(const std::string& text, size_t width) {
    const size_t length = count_code_points(text);
    return text + std::string(width > length ? width - length : 0, ' ');
}

std::string right_aligned(const std::string& text, size_t width) {
    const size_t length = count_code_points(text);
    return std::string(width > length ? width - length : 0, ' ') + text;
}

// The operator behind the command: the user sudo ran it for, else the process's user.
std::string operator_actor() {
    const char* sudo_user = std::getenv("SUDO_USER");
    return sudo_user && *sudo_user ? sudo_user : current_actor();
}

// The export holds names: a new file is its owner's only (an existing one keeps its mode).
void create_private(const std::string& path) {
    const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
    if (fd >= 0) ::close(fd);
}

class AttendanceCommands {
public:
    AttendanceCommands(const CommonOptions& common, CliContext& context)
        : common_(common), context_(context), language_(language_from_environment()) {}

    void add_to(CLI::App& app) {
        root_ = app.add_subcommand("attendance", "the attendance register of a programme: mark, list, export");
        root_->require_subcommand(1);

        mark_ = root_->add_subcommand("mark", "mark a participant present, absent or excused for one session");
        mark_->add_option("PROGRAMME", programme_, "an applied programme")->required();
        mark_->add_option("SESSION", session_, "the session's number as `ritme session list` shows it: N or #N")
            ->required();
        mark_->add_option("PARTICIPANT", participant_, "the participant's id, p-…")->required();
        mark_->add_option("STATUS", status_, "present, absent or excused (aanwezig, afwezig, afgemeld)")->required();

        list_ = root_->add_subcommand("list", "the register: every held session × participant, and percentages");
        list_->add_option("PROGRAMME", programme_, "an applied programme")->required();
        list_->add_option("--format", format_, "output format")
            ->check(CLI::IsMember({"text", "json"}))
            ->capture_default_str();

        export_ = root_->add_subcommand("export", "the presentielijst as CSV: date, session, participant, status");
        export_->add_option("PROGRAMME", programme_, "an applied programme")->required();
        export_->add_option("-o,--output", output_, "write to this file instead of standard output");
    }

    int run() {
        verb_ = mark_->parsed() ? "mark" : list_->parsed() ? "list" : "export";
        std::optional<int> number;
        std::optional<AttendanceStatus> status;
        if (mark_->parsed()) {
            // Bad words are told before the database is opened.
            number = session_number();
            if (!number) return exit_bad_input;
            status = parse_attendance_word(status_);
            if (!status) return bad_status();
        }
        store_ = open_database(common_, context_);
        if (!store_) return exit_failure;
        try {
            if (mark_->parsed()) return mark(*number, *status);
            if (list_->parsed()) return list();
            return export_csv();
        } catch (const StoreError& e) {
            error() << e.what() << "; nothing changed\n";
            return exit_failure;
        }
    }

private:
    std::ostream& error() { return context_.err << "ritme attendance " << verb_ << ": "; }

    // Lead-facing words in the command's language.
    std::string say(std::string_view english, std::initializer_list<std::string_view> arguments = {}) const {
        return tr(language_, english, arguments);
    }

    int refused(const std::vector<ChangeError>& errors) {
        for (const auto& e : errors)
            error() << describe(e, [](std::string_view field) -> std::optional<std::string> {
                if (field == "participant") return "PARTICIPANT";
                return std::nullopt;
            }) << "\n";
        return errors.front().kind == ChangeError::Kind::conflict ? exit_failure : exit_bad_input;
    }

    // SESSION: "N", "#N", or "PROGRAMME#N" for the same programme, as `ritme session` names it.
    std::optional<int> session_number() {
        std::string_view text = session_;
        if (const auto hash = text.find('#'); hash != std::string_view::npos) {
            if (hash > 0 && text.substr(0, hash) != programme_) {
                error() << "SESSION: \"" << session_ << "\" is a session of another programme than " << programme_
                        << "\n";
                return std::nullopt;
            }
            text = text.substr(hash + 1);
        }
        int number = 0;
        const auto [end, problem] = std::from_chars(text.data(), text.data() + text.size(), number);
        if (text.empty() || problem != std::errc() || end != text.data() + text.size() || number < 1) {
            error() << "SESSION: \"" << session_ << "\" is not a session number; write N or #N, N from 1 (see `ritme "
                    << "session list " << programme_ << "`)\n";
            return std::nullopt;
        }
        return number;
    }

    int bad_status() {
        const auto words = attendance_words();
        const auto match = closest_match(lower(status_), words);
        error() << "STATUS: \"" << status_ << "\" is no attendance status; "
                << (match ? "did you mean " + *match + "?" : "write " + join_alternatives(words)) << "\n";
        return exit_bad_input;
    }

    std::string session_words(const StoredSession& session) const {
        return format_short_weekday_date(session.date, std::string(tag_of(language_))) + " " +
               format_time(session.time.start, std::string(tag_of(language_)));
    }

    int mark(int number, AttendanceStatus status) {
        const AuditContext audit{context_.clock.now(), operator_actor(), "attendance mark"};
        const auto result = mark_attendance(*store_, {{programme_, number}, participant_, status}, audit,
                                            follow_up_setup_from(load_config(common_, context_)));
        if (!result.ok()) return refused(result.errors);
        const AttendanceMarked& marked = result.value;
        const std::string head = marked.session.programme_id + " #" + std::to_string(marked.session.number) + " (" +
                                 session_words(marked.session) + ")";
        const std::string now = attendance_status_text(marked.status, language_);
        if (!marked.changed) {
            context_.out << say("{1}: {2} was marked {3} already; nothing changed",
                               {head, marked.participant_name, now})
                         << "\n";
            return exit_ok;
        }
        context_.out << say("{1}: {2} marked {3}", {head, marked.participant_name, now});
        if (marked.before)
            context_.out << " " << say("(was {1})", {attendance_status_text(marked.before->status, language_)});
        context_.out << "\n";
        for (const auto& made : marked.follow_ups)
            context_.out << say("follow-up #{1} opened: {2}",
                                {std::to_string(made.id),
                                 follow_up_text(made, marked.participant_name, marked.session, language_)})
                         << "\n";
        return exit_ok;
    }

    int list() {
        const auto result = attendance_register(*store_, programme_, context_.clock.now());
        if (!result.ok()) return refused(result.errors);
        const AttendanceRegister& attendance = result.value;
        if (format_ == "json") return list_json(attendance);

        const int held = attendance.held();
        context_.out << attendance.programme_id << ": "
                     << tr_count(language_, static_cast<long>(attendance.sessions.size()), "{1} of {n} session held",
                                 "{1} of {n} sessions held", {std::to_string(held)})
                     << "\n";
        if (attendance.rows.empty()) {
            context_.out << say("No participants are enrolled.") << "\n";
            return exit_ok;
        }
        std::vector<size_t> columns;  // the held sessions
        for (size_t i = 0; i < attendance.sessions.size(); ++i)
            if (attendance.sessions[i].held) columns.push_back(i);
        size_t cell = 2;
        for (const size_t i : columns)
            cell = std::max(cell, std::to_string(attendance.sessions[i].session.number).size() + 1);

        const auto label = [&](const RegisterRow& row) {
            return row.name + "  " + row.participant_id + (row.enrolled ? "" : " " + say("(no longer enrolled)"));
        };
        size_t name_width = count_code_points(say("participant"));
        for (const auto& row : attendance.rows) name_width = std::max(name_width, count_code_points(label(row)));
        const std::vector<std::string> counts{say("present"), say("absent"), say("excused"), say("unknown")};

        std::string header = padded(say("participant"), name_width) + " ";
        for (const size_t i : columns)
            header += right_aligned("#" + std::to_string(attendance.sessions[i].session.number), cell + 1);
        for (const auto& word : counts) header += "  " + word;
        header += "     %";
        context_.out << header << "\n";
        for (const auto& row : attendance.rows) {
            std::string line = padded(label(row), name_width) + " ";
            for (const size_t i : columns) line += right_aligned(std::string(1, sign_of(row.marks[i])), cell + 1);
            const int numbers[] = {row.summary.present, row.summary.absent, row.summary.excused, row.summary.unknown};
            for (size_t k = 0; k < counts.size(); ++k)
                line += "  " + right_aligned(std::to_string(numbers[k]), count_code_points(counts[k]));
            const auto percent = row.summary.percent();
            line += "  " + right_aligned(percent ? std::to_string(*percent) + "%" : "-", 4);
            context_.out << line << "\n";
        }
        context_.out << say("+ present, - absent, / excused, . unknown; the percentage is present of the sessions "
                           "held so far")
                     << "\n";

        // Who said ahead that she cannot come.
        for (size_t i = 0; i < attendance.sessions.size(); ++i) {
            if (attendance.sessions[i].held) continue;
            std::vector<std::string> names;
            for (const auto& row : attendance.rows)
                if (row.marks[i] == AttendanceStatus::excused) names.push_back(row.name);
            if (names.empty()) continue;
            std::string joined;
            for (const auto& name : names) joined += (joined.empty() ? "" : ", ") + name;
            const auto& session = attendance.sessions[i].session;
            context_.out << say("Excused ahead for #{1} ({2}): {3}",
                               {std::to_string(session.number), session_words(session), joined})
                         << "\n";
        }
        return exit_ok;
    }

    int list_json(const AttendanceRegister& attendance) {
        auto sessions = nlohmann::ordered_json::array();
        for (const auto& [session, held] : attendance.sessions)
            sessions.push_back({{"number", session.number},
                                {"date", iso_date(session.date)},
                                {"start", session.time.start.str()},
                                {"held", held}});
        auto participants = nlohmann::ordered_json::array();
        for (const auto& row : attendance.rows) {
            auto marks = nlohmann::ordered_json::array();
            for (const auto& mark : row.marks)
                marks.push_back(mark ? nlohmann::ordered_json(name_of(*mark)) : nlohmann::ordered_json());
            const auto percent = row.summary.percent();
            participants.push_back({{"id", row.participant_id},
                                    {"name", row.name},
                                    {"enrolled", row.enrolled},
                                    {"marks", marks},
                                    {"held", row.summary.held},
                                    {"present", row.summary.present},
                                    {"absent", row.summary.absent},
                                    {"excused", row.summary.excused},
                                    {"unknown", row.summary.unknown},
                                    {"percent", percent ? nlohmann::ordered_json(*percent) : nlohmann::ordered_json()}});
        }
        const nlohmann::ordered_json json{
            {"programme", attendance.programme_id}, {"sessions", sessions}, {"participants", participants}};
        context_.out << json.dump(2) << "\n";
        return exit_ok;
    }

    int export_csv() {
        const auto result = attendance_register(*store_, programme_, context_.clock.now());
        if (!result.ok()) return refused(result.errors);
        const std::string csv = attendance_csv(result.value, language_);
        if (output_.empty()) {
            context_.out << csv;
            return exit_ok;
        }
        create_private(output_);
        if (const AtomicWrite written = write_file_atomically(output_, csv); !written.ok()) {
            error() << written.problem << "\n";
            return written.outcome == AtomicWrite::Outcome::refused ? exit_bad_input : exit_failure;
        }
        return exit_ok;
    }

    const CommonOptions& common_;
    CliContext& context_;
    const Language language_;
    CLI::App* root_ = nullptr;
    CLI::App* mark_ = nullptr;
    CLI::App* list_ = nullptr;
    CLI::App* export_ = nullptr;
    std::string verb_;
    std::string programme_, session_, participant_, status_, output_;
    std::string format_ = "text";
    std::unique_ptr<Store> store_;
};

}  // namespace

CommandAction add_attendance_command(CLI::App& app, const CommonOptions& common, CliContext& context) {
    auto commands = std::make_shared<AttendanceCommands>(common, context);
    commands->add_to(app);
    return [commands] { return commands->run(); };
}

}  // namespace ritme
