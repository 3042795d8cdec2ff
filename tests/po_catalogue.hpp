#pragma once
// A gettext PO file read for tests: its header and entries, each msgid with its msgid_plural
// and translations. Enough of the format for the catalogues ritme ships (config/locale):
// comments, msgid / msgid_plural / msgstr / msgstr[N], strings continued on the next line,
// and the escapes \n \t \" \\.

#include <map>
#include <sstream>
#include <string>
#include <vector>

namespace ritme::test {

struct PoEntry {
    std::string msgid;
    std::string msgid_plural;
    std::vector<std::string> msgstr;  // one, or one per plural form
    int line = 0;
};

struct PoCatalogue {
    std::string header;  // the msgstr of the empty msgid
    std::vector<PoEntry> entries;
    std::vector<std::string> problems;  // lines it could not read
};

inline std::string po_string(const std::string& quoted, bool& ok) {
    std::string out;
    ok = quoted.size() >= 2 && quoted.front() == '"' && quoted.back() == '"';
    for (size_t i = 1; ok && i + 1 < quoted.size(); ++i) {
        if (quoted[i] != '\\') {
            out += quoted[i];
            continue;
        }
        if (++i >= quoted.size() - 1) {  // a backslash right before the closing quote
            ok = false;
            break;
        }
        switch (quoted[i]) {
            case 'n': out += '\n'; break;
            case 't': out += '\t'; break;
            case '"': out += '"'; break;
            case '\\': out += '\\'; break;
            default: ok = false;
        }
    }
    return out;
}

inline PoCatalogue read_po(const std::string& text) {
    PoCatalogue catalogue;
    PoEntry entry;
    std::string* target = nullptr;
    bool in_entry = false;
    const auto finish = [&] {
        if (!in_entry) return;
        if (entry.msgid.empty()) catalogue.header = entry.msgstr.empty() ? "" : entry.msgstr[0];
        else catalogue.entries.push_back(entry);
        entry = {};
        target = nullptr;
        in_entry = false;
    };
    std::istringstream lines(text);
    int number = 0;
    for (std::string line; std::getline(lines, line);) {
        ++number;
        while (!line.empty() && (line.back() == '\r' || line.back() == ' ')) line.pop_back();
        if (line.empty() || line[0] == '#') continue;
        bool ok = true;
        const auto keyword_end = line.find(' ');
        const std::string keyword = line[0] == '"' ? "" : line.substr(0, keyword_end);
        const std::string rest = line[0] == '"' ? line : (keyword_end == std::string::npos ? "" : line.substr(keyword_end + 1));
        if (keyword == "msgid") {
            finish();
            in_entry = true;
            entry.line = number;
            target = &entry.msgid;
        } else if (keyword == "msgid_plural") {
            target = &entry.msgid_plural;
        } else if (keyword == "msgstr" || keyword.rfind("msgstr[", 0) == 0) {
            entry.msgstr.emplace_back();
            target = &entry.msgstr.back();
        } else if (!keyword.empty() || !target) {
            catalogue.problems.push_back("line " + std::to_string(number) + ": " + line);
            continue;
        }
        *target += po_string(rest, ok);
        if (!ok) catalogue.problems.push_back("line " + std::to_string(number) + ": " + line);
    }
    finish();
    return catalogue;
}

}  // namespace ritme::test
