#include "engine/time/tzif_reader.hpp"

#include "engine/base/input_file.hpp"

#include <cctype>
#include <cstdlib>
#include <filesystem>
#include <sstream>

namespace ritme {
namespace {

class ByteReader {
public:
    explicit ByteReader(std::string_view data) : data_(data) {}

    std::string_view take(size_t n) {
        if (n > data_.size() - pos_) throw NotTzif("it ends early");
        const std::string_view bytes = data_.substr(pos_, n);
        pos_ += n;
        return bytes;
    }
    std::string_view rest() { return take(data_.size() - pos_); }

private:
    std::string_view data_;
    size_t pos_ = 0;
};

// Big-endian two's complement, as TZif stores its numbers.
int64_t big_endian(std::string_view bytes) {
    uint64_t value = 0;
    for (char c : bytes) value = value << 8 | static_cast<unsigned char>(c);
    const unsigned bits = static_cast<unsigned>(bytes.size() * 8);
    if (bits < 64 && (value >> (bits - 1)) != 0) value |= ~uint64_t{0} << bits;  // sign-extend
    return static_cast<int64_t>(value);
}

struct TzifHeader {
    char version = 0;
    size_t isutcnt = 0, isstdcnt = 0, leapcnt = 0, timecnt = 0, typecnt = 0, charcnt = 0;

    // The size of the data block after this header, with `time_size`-byte times.
    size_t block_size(size_t time_size) const {
        return timecnt * (time_size + 1) + typecnt * 6 + charcnt + leapcnt * (time_size + 4) + isstdcnt + isutcnt;
    }
};

TzifHeader read_header(ByteReader& in) {
    if (in.take(4) != "TZif") throw NotTzif("it does not start with \"TZif\"");
    TzifHeader h;
    h.version = in.take(1)[0];
    in.take(15);
    for (size_t* count : {&h.isutcnt, &h.isstdcnt, &h.leapcnt, &h.timecnt, &h.typecnt, &h.charcnt})
        *count = static_cast<size_t>(static_cast<uint32_t>(big_endian(in.take(4))));
    return h;
}

std::vector<Observance> read_types(ByteReader& in, const TzifHeader& h) {
    if (h.typecnt == 0) throw NotTzif("it has no local time types");
    const std::string_view info = in.take(h.typecnt * 6);
    const std::string_view chars = in.take(h.charcnt);
    std::vector<Observance> types;
    for (size_t i = 0; i < h.typecnt; ++i) {
        const std::string_view ttinfo = info.substr(i * 6, 6);
        const auto isdst = static_cast<unsigned char>(ttinfo[4]);
        const auto desigidx = static_cast<unsigned char>(ttinfo[5]);
        if (isdst > 1 || desigidx >= chars.size())
            throw NotTzif("local time type " + std::to_string(i) + " is invalid");
        const std::string_view name = chars.substr(desigidx);
        types.push_back({static_cast<int>(big_endian(ttinfo.substr(0, 4))), isdst == 1,
                         std::string(name.substr(0, name.find('\0')))});
    }
    return types;
}

// "\n<TZ string>\n" after the data block.
std::string read_footer(std::string_view rest) {
    if (rest.size() < 2 || rest.front() != '\n' || rest.back() != '\n' ||
        rest.find('\n', 1) != rest.size() - 1)
        throw NotTzif("its footer is not a TZ string between two newlines");
    if (rest.size() == 2)
        throw UnsupportedTzif("it has no rule for instants after its last transition (an empty TZ string)");
    return std::string(rest.substr(1, rest.size() - 2));
}

}  // namespace

TzifContents read_tzif(std::string_view data) {
    ByteReader in(data);
    const TzifHeader v1 = read_header(in);
    if (v1.version < '2') throw UnsupportedTzif("it is a version 1 file, without 64-bit times or a rule for the future");
    in.take(v1.block_size(4));
    const TzifHeader h = read_header(in);
    if (h.leapcnt != 0)
        throw UnsupportedTzif("it counts leap seconds in its times (a \"right/\" zone), which ritme's UTC instants do not");
    TzifContents tzif;
    const std::string_view times = in.take(h.timecnt * 8);
    const std::string_view indices = in.take(h.timecnt);
    tzif.types = read_types(in, h);
    for (size_t i = 0; i < h.timecnt; ++i) {
        tzif.times.push_back(big_endian(times.substr(i * 8, 8)));
        tzif.type_of.push_back(static_cast<unsigned char>(indices[i]));
        if (static_cast<size_t>(tzif.type_of.back()) >= h.typecnt) throw NotTzif("a transition has no local time type");
        if (i > 0 && tzif.times[i] <= tzif.times[i - 1]) throw NotTzif("its transitions are not in time order");
    }
    in.take(h.isstdcnt + h.isutcnt);  // indicators for POSIX default rules, which a footer makes moot
    tzif.footer = read_footer(in.rest());
    return tzif;
}

std::string zoneinfo_directory() {
    const char* tzdir = std::getenv("TZDIR");
    return tzdir && *tzdir ? tzdir : "/usr/share/zoneinfo";
}

bool plausible_zone_name(std::string_view name) {
    if (name.empty() || name.front() == '/' || name.find("..") != std::string_view::npos) return false;
    for (char c : name)
        if (!std::isalnum(static_cast<unsigned char>(c)) && c != '/' && c != '_' && c != '-' && c != '+')
            return false;
    return true;
}

std::string read_zone_file(const std::string& path, const std::string& name) {
    std::error_code error;
    if (std::filesystem::is_directory(path, error))
        throw TimeZoneError("unknown time zone \"" + name + "\": " + path + " is a directory of zones, not a zone");
    InputText read = read_input_file(path, input_limits::time_zone);
    if (read.problem == InputProblem::too_large)
        throw TimeZoneError("time zone \"" + name + "\": " + path + " is " + too_large_message(input_limits::time_zone));
    if (!read.ok()) throw TimeZoneError("unknown time zone \"" + name + "\": " + path + " does not exist");
    return std::move(read.text);
}

}  // namespace ritme
