#include "engine/participants/participant_csv.hpp"

#include "engine/base/did_you_mean.hpp"
#include "engine/base/input_file.hpp"
#include "engine/base/text.hpp"
#include "engine/base/utf8.hpp"
#include "engine/participants/participant_fields.hpp"

#include <csv.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <map>
#include <memory>
#include <new>
#include <optional>
#include <sstream>

namespace ritme {
namespace {

enum class Column { name, phone, email, language, channels, children_in_care, school_calendar, commitments };
constexpr std::array<std::string_view, 8> column_names{
    "name", "phone", "email", "language", "channels", "children_in_care", "school_calendar", "commitments"};
constexpr size_t column_count = column_names.size();
constexpr std::string_view header_example = "the first row names the columns, e.g. name;phone;email";

std::string_view name_of(Column column) { return column_names[static_cast<size_t>(column)]; }

// "\r\n", "\n" and a lone "\r" (old Mac Excel) each end one line.
size_t end_of_line(std::string_view text, size_t begin) {
    const size_t end = text.find_first_of("\r\n", begin);
    if (end == std::string_view::npos) return text.size();
    return (text[end] == '\r' && end + 1 < text.size() && text[end + 1] == '\n') ? end + 2 : end + 1;
}

int line_breaks_in(std::string_view text) {
    int breaks = 0;
    for (size_t i = 0; i < text.size(); ++i)
        breaks += text[i] == '\n' || (text[i] == '\r' && (i + 1 == text.size() || text[i + 1] != '\n'));
    return breaks;
}

// Dutch Excel writes ";" (the comma is the decimal sign there), other tools ",". The
// header row decides: the one that occurs more often outside quotes, ";" on a tie.
char detect_delimiter(std::string_view text) {
    int semicolons = 0, commas = 0;
    bool quoted = false;
    for (char c : text.substr(std::min(text.find_first_not_of("\r\n"), text.size()))) {
        if (c == '"') quoted = !quoted;
        if (quoted) continue;
        if (c == '\r' || c == '\n') break;
        semicolons += c == ';';
        commas += c == ',';
    }
    return commas > semicolons ? ',' : ';';
}

struct CsvRow {
    int line = 0;  // where the row starts
    std::vector<std::string> cells;
};

bool is_blank(const CsvRow& row) {
    return std::all_of(row.cells.begin(), row.cells.end(), [](const std::string& c) { return trim(c).empty(); });
}

// libcsv reports cells and row ends but not where they are, so the text is fed to it one
// line at a time: a row ends on the line being fed, and starts as many lines earlier
// as its quoted cells hold line breaks.
struct RowCollector {
    int line_being_fed = 1;
    std::vector<std::string> cells;
    std::vector<CsvRow> rows;

    static void on_cell(void* data, size_t size, void* self) {
        auto& collector = *static_cast<RowCollector*>(self);
        collector.cells.emplace_back(data ? std::string(static_cast<const char*>(data), size) : std::string());
    }

    static void on_row_end(int, void* self) {
        auto& collector = *static_cast<RowCollector*>(self);
        int breaks = 0;
        for (const auto& cell : collector.cells) breaks += line_breaks_in(cell);
        collector.rows.push_back({collector.line_being_fed - breaks, std::move(collector.cells)});
        collector.cells.clear();
    }
};

std::vector<CsvRow> split_rows(std::string_view text, char delimiter) {
    csv_parser parser;
    if (csv_init(&parser, 0) != 0) throw std::bad_alloc();
    std::unique_ptr<csv_parser, decltype(&csv_free)> freed_at_exit(&parser, csv_free);
    csv_set_delim(&parser, static_cast<unsigned char>(delimiter));
    // libcsv grows a field's buffer by one block at a time, 128 bytes unless told: a
    // field of megabytes would be copied over and over. A block as large as the text, up
    // to a megabyte, keeps the growth to a few steps for any file under the size limit.
    csv_set_blk_size(&parser, std::clamp<size_t>(text.size(), 128, 1024 * 1024));
    RowCollector collector;
    for (size_t begin = 0, end; begin < text.size(); begin = end, ++collector.line_being_fed) {
        end = end_of_line(text, begin);
        // Without strict mode libcsv fails only when it runs out of memory.
        if (csv_parse(&parser, text.data() + begin, end - begin, RowCollector::on_cell, RowCollector::on_row_end,
                      &collector) != end - begin)
            throw std::bad_alloc();
    }
    collector.line_being_fed = 1 + line_breaks_in(text);  // csv_fini ends a last row at the end of the text
    csv_fini(&parser, RowCollector::on_cell, RowCollector::on_row_end, &collector);
    return std::move(collector.rows);
}

// Where the header put each column: its field index, if it is there.
struct ColumnIndex {
    std::array<std::optional<size_t>, column_count> field;

    std::optional<size_t>& operator[](Column column) { return field[static_cast<size_t>(column)]; }
    const std::optional<size_t>& operator[](Column column) const { return field[static_cast<size_t>(column)]; }
};

std::optional<ColumnIndex> read_header(const CsvRow& header, const std::string& file, Diagnostics& diagnostics) {
    ColumnIndex index;
    const int errors_before = diagnostics.error_count();
    for (size_t i = 0; i < header.cells.size(); ++i) {
        const std::string name = lower(trim(header.cells[i]));
        const SourcePosition where{file, header.line, static_cast<int>(i) + 1};
        if (name.empty()) continue;  // a nameless column is fine while its cells are empty
        const auto known = std::find(column_names.begin(), column_names.end(), name);
        if (known == column_names.end()) {
            auto suggestion = closest_match(name, column_names);
            diagnostics.error(where, "unknown column \"" + std::string(trim(header.cells[i])) + "\"",
                              suggestion ? "did you mean " + *suggestion + "?"
                                         : "the columns are " + join_alternatives(column_names));
        } else if (auto& slot = index.field[static_cast<size_t>(known - column_names.begin())]; slot) {
            diagnostics.error(where,
                              "column \"" + name + "\" appears twice (also column " + std::to_string(*slot + 1) + ")",
                              "keep one of them");
        } else {
            slot = i;
        }
    }
    const SourcePosition row_start{file, header.line, 1};
    if (!index[Column::name]) diagnostics.error(row_start, "no column \"name\"", std::string(header_example));
    if (!index[Column::phone] && !index[Column::email])
        diagnostics.error(row_start, "no column \"phone\" or \"email\"",
                          "reminders go by SMS or e-mail; add at least one of the two columns");
    if (diagnostics.error_count() > errors_before) return std::nullopt;
    return index;
}

// Reads one data row into a Participant, reporting each bad cell.
class RowReader {
public:
    RowReader(const CsvRow& row, const ColumnIndex& index, const std::string& file,
              std::span<const std::string> known_school_ids, Diagnostics& diagnostics)
        : row_(row), index_(index), file_(file), known_school_ids_(known_school_ids), diagnostics_(diagnostics) {}

    std::optional<Participant> read() {
        if (!cells_are_text()) return std::nullopt;  // field checks on garbled bytes would only mislead
        report_unnamed_values();
        Participant p;
        take(Column::name, normalise_name(cell(Column::name), error_), p.name);
        if (!cell(Column::phone).empty())
            take(Column::phone, normalise_mobile_number(cell(Column::phone), error_), p.phone);
        if (!cell(Column::email).empty()) take(Column::email, normalise_email(cell(Column::email), error_), p.email);
        if (cell(Column::phone).empty() && cell(Column::email).empty())
            report(index_[Column::phone] ? Column::phone : Column::email,
                   {"no phone number or e-mail address",
                    "fill in at least one, so that reminders reach this participant"});
        if (!cell(Column::language).empty())
            take(Column::language, normalise_language(cell(Column::language), error_), p.language);
        read_channels(p);
        if (!cell(Column::children_in_care).empty())
            take(Column::children_in_care, parse_children_in_care(cell(Column::children_in_care), error_),
                 p.children_in_care);
        if (!cell(Column::school_calendar).empty())
            take(Column::school_calendar,
                 normalise_school_calendar(cell(Column::school_calendar), known_school_ids_, error_),
                 p.school_calendar);
        take(Column::commitments, parse_commitments(cell(Column::commitments), error_), p.commitments);
        if (!ok_) return std::nullopt;
        return p;
    }

private:
    std::string_view cell(Column column) const {
        auto field = index_[column];
        return field && *field < row_.cells.size() ? trim(row_.cells[*field]) : std::string_view();
    }

    void report(Column column, const FieldError& error) {
        const int field = index_[column] ? static_cast<int>(*index_[column]) + 1 : 0;
        diagnostics_.error({file_, row_.line, field}, "column " + std::string(name_of(column)) + ": " + error.message,
                           error.hint);
        ok_ = false;
    }

    template <class T>
    void take(Column column, std::optional<T> value, T& into) {
        if (value)
            into = std::move(*value);
        else
            report(column, error_);
    }

    // Excel's plain "CSV" is Windows-1252, not UTF-8: "Müller" would be stored garbled.
    bool cells_are_text() {
        for (size_t column = 0; column < column_count; ++column)
            if (!is_valid_utf8(cell(static_cast<Column>(column))))
                report(static_cast<Column>(column),
                       {"the text is not UTF-8", "in Excel, save the file as \"CSV UTF-8 (door komma's gescheiden)\""});
        return ok_;
    }

    // A value under a column without a header name, or beyond the header's last column.
    void report_unnamed_values() {
        for (size_t i = 0; i < row_.cells.size(); ++i) {
            const bool named = std::find(index_.field.begin(), index_.field.end(), i) != index_.field.end();
            if (named || trim(row_.cells[i]).empty()) continue;
            diagnostics_.error({file_, row_.line, static_cast<int>(i) + 1},
                               "a value in column " + std::to_string(i + 1) + ", which has no name in the header",
                               "name the column in the first row, or delete the value");
            ok_ = false;
        }
    }

    // An empty cell means SMS when there is a phone number and e-mail otherwise; a
    // chosen channel needs its address.
    void read_channels(Participant& p) {
        const bool has_phone = !cell(Column::phone).empty(), has_email = !cell(Column::email).empty();
        if (cell(Column::channels).empty()) {
            p.channels = has_phone ? Channels{true, false} : Channels{false, true};
            return;
        }
        take(Column::channels, parse_channels(cell(Column::channels), error_), p.channels);
        const std::string typed = "\"" + std::string(cell(Column::channels)) + "\"";
        if (p.channels.sms && !has_phone)
            report(Column::channels,
                   {typed + " needs a phone number, and phone is empty", "add the number or choose email"});
        if (p.channels.email && !has_email)
            report(Column::channels,
                   {typed + " needs an e-mail address, and email is empty", "add the address or choose sms"});
    }

    const CsvRow& row_;
    const ColumnIndex& index_;
    const std::string& file_;
    std::span<const std::string> known_school_ids_;
    Diagnostics& diagnostics_;
    FieldError error_;
    bool ok_ = true;
};

// A phone number or e-mail address already seen on an earlier row is an error: two
// rows for one person, or a typo that would send one person's reminders to another.
class DuplicateCheck {
public:
    bool first_time(const CsvParticipant& row, const ColumnIndex& index, const std::string& file,
                    Diagnostics& diagnostics) {
        bool unique = true;
        auto check = [&](std::map<std::string, int>& seen, const std::string& key, Column column,
                         std::string_view what) {
            if (key.empty()) return;
            auto [earlier, inserted] = seen.emplace(key, row.line);
            if (inserted) return;
            diagnostics.error(
                {file, row.line, static_cast<int>(*index[column]) + 1},
                "column " + std::string(name_of(column)) + ": the same " + std::string(what) + " as line " +
                    std::to_string(earlier->second),
                "each participant needs their own " + std::string(what) + "; is this person listed twice?");
            unique = false;
        };
        check(phones_, row.participant.phone, Column::phone, "number");
        check(emails_, lower(row.participant.email), Column::email, "address");
        return unique;
    }

private:
    std::map<std::string, int> phones_;  // E.164 → line
    std::map<std::string, int> emails_;  // lower case → line
};

std::string_view without_bom(std::string_view text) {
    constexpr std::string_view bom = "\xEF\xBB\xBF";
    if (text.substr(0, bom.size()) == bom) text.remove_prefix(bom.size());
    return text;
}

void read_rows(std::string_view text, const std::string& source_name, std::span<const std::string> known_school_ids,
               ParticipantCsv& result) {
    std::vector<CsvRow> rows = split_rows(text, detect_delimiter(text));
    std::erase_if(rows, is_blank);  // Excel writes ";;;;" for a row it once touched
    if (rows.empty()) {
        result.diagnostics.error({source_name, 0, 0}, "the file is empty", std::string(header_example));
        return;
    }
    const auto index = read_header(rows.front(), source_name, result.diagnostics);
    if (!index) return;
    DuplicateCheck duplicates;
    for (size_t i = 1; i < rows.size(); ++i) {
        auto participant = RowReader(rows[i], *index, source_name, known_school_ids, result.diagnostics).read();
        if (!participant) continue;
        CsvParticipant row{rows[i].line, std::move(*participant)};
        if (duplicates.first_time(row, *index, source_name, result.diagnostics))
            result.participants.push_back(std::move(row));
    }
}

}  // namespace

ParticipantCsv read_participant_csv_text(std::string_view text, const std::string& source_name,
                                         std::span<const std::string> known_school_ids) {
    ParticipantCsv result;
    read_rows(without_bom(text), source_name, known_school_ids, result);
    result.diagnostics.sort_by_position();
    return result;
}

ParticipantCsv read_participant_csv_file(const std::string& path, std::span<const std::string> known_school_ids) {
    const InputText read = read_input_file(path, input_limits::participant_csv);
    if (!read.ok()) {
        ParticipantCsv result;
        if (read.problem == InputProblem::too_large)
            result.diagnostics.error({path, 0, 0}, too_large_message(input_limits::participant_csv),
                                     too_large_hint(input_limits::participant_csv));
        else
            result.diagnostics.error({path, 0, 0}, "cannot read the file", "check the path and permissions");
        return result;
    }
    return read_participant_csv_text(read.text, path, known_school_ids);
}

}  // namespace ritme
