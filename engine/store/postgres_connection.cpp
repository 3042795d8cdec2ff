#include "engine/store/postgres_connection.hpp"

#include "engine/store/store.hpp"

#include <libpq-fe.h>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <map>
#include <memory>

namespace ritme {

namespace {

// A password file is small: the limit of every secret file (README, Input limits).
constexpr size_t secret_file_limit = 64 * 1024;

using Options = std::map<std::string, std::string>;

// The URL's parameters as libpq reads them; an error text when it cannot.
std::string parse(const std::string& url, Options& options) {
    char* error = nullptr;
    std::unique_ptr<PQconninfoOption, void (*)(PQconninfoOption*)> parsed(PQconninfoParse(url.c_str(), &error),
                                                                         PQconninfoFree);
    if (!parsed) {
        std::string why = error ? error : "out of memory";
        PQfreemem(error);
        while (!why.empty() && (why.back() == '\n' || why.back() == ' ')) why.pop_back();
        return why;
    }
    for (const PQconninfoOption* option = parsed.get(); option->keyword; ++option)
        if (option->val) options[option->keyword] = option->val;
    return {};
}

// 'value' with its quotes and backslashes escaped, as libpq's key = value form reads it.
std::string quoted(const std::string& value) {
    std::string out = "'";
    for (const char c : value) {
        if (c == '\'' || c == '\\') out += '\\';
        out += c;
    }
    return out + "'";
}

int hex_value(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

std::string percent_decoded(const std::string& text) {
    std::string out;
    for (size_t i = 0; i < text.size(); ++i) {
        if (text[i] == '%' && i + 2 < text.size() && hex_value(text[i + 1]) >= 0 && hex_value(text[i + 2]) >= 0) {
            out += static_cast<char>(hex_value(text[i + 1]) * 16 + hex_value(text[i + 2]));
            i += 2;
        } else {
            out += text[i];
        }
    }
    return out;
}

// The URL without ritme's `password_file` parameter, which libpq does not know; its value
// goes to `password_file`.
std::string without_password_file(const std::string& url, std::string& password_file) {
    const auto query = url.find('?');
    if (query == std::string::npos) return url;
    std::string kept;
    size_t start = query + 1;
    while (start <= url.size()) {
        size_t end = url.find('&', start);
        if (end == std::string::npos) end = url.size();
        const std::string parameter = url.substr(start, end - start);
        if (parameter.rfind("password_file=", 0) == 0)
            password_file = percent_decoded(parameter.substr(std::string("password_file=").size()));
        else if (!parameter.empty())
            kept += (kept.empty() ? "" : "&") + parameter;
        start = end + 1;
    }
    return url.substr(0, query) + (kept.empty() ? "" : "?" + kept);
}

std::string read_password(const std::string& path) {
    const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
    if (fd < 0) throw StoreError("password_file " + path + ": cannot read it: " + std::strerror(errno));
    std::unique_ptr<int, void (*)(int*)> closing(new int(fd), [](int* f) {
        ::close(*f);
        delete f;
    });
    struct stat st {};
    if (::fstat(fd, &st) != 0 || !S_ISREG(st.st_mode))
        throw StoreError("password_file " + path + ": not a regular file");
    if ((st.st_mode & 077) != 0)
        throw StoreError("password_file " + path + ": others than its owner may read it; hint: chmod 600 " + path);
    if (static_cast<size_t>(st.st_size) > secret_file_limit)
        throw StoreError("password_file " + path + ": larger than 64 KiB (the limit for secret files)");
    std::string text(static_cast<size_t>(st.st_size), '\0');
    size_t got = 0;
    while (got < text.size()) {
        const ssize_t n = ::read(fd, text.data() + got, text.size() - got);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) throw StoreError("password_file " + path + ": cannot read it: " + std::strerror(errno));
        got += static_cast<size_t>(n);
    }
    while (!text.empty() && (text.back() == '\n' || text.back() == '\r')) text.pop_back();
    if (text.empty()) throw StoreError("password_file " + path + ": empty; hint: write the password in it, alone");
    return text;
}

}  // namespace

bool is_postgres_url(std::string_view database) {
    return database.rfind("postgresql://", 0) == 0 || database.rfind("postgres://", 0) == 0;
}

std::string postgres_url_problem(const std::string& url) {
    if (!is_postgres_url(url))
        return "`" + url + "` is not a PostgreSQL URL; hint: postgresql://HOST/DATABASE?sslmode=verify-full";
    Options options;
    std::string password_file;
    if (const std::string why = parse(without_password_file(url, password_file), options); !why.empty())
        return "the database URL cannot be read: " + why + "; hint: postgresql://USER@HOST:PORT/DATABASE?PARAMETER=VALUE";
    if (options.count("password"))
        return "the database URL holds a password, and a URL is shown in logs and kept in config files; hint: put "
               "the password alone in a file (mode 0600) and name it in the URL: ?password_file=FILE; or use "
               "libpq's PGPASSFILE";
    return {};
}

std::string postgres_connection_string(const PostgresTarget& target) {
    if (const std::string problem = postgres_url_problem(target.url); !problem.empty()) throw StoreError(problem);
    Options options;
    std::string password_file = target.password_file;
    std::string from_url;
    parse(without_password_file(target.url, from_url), options);
    if (password_file.empty()) password_file = from_url;
    if (!password_file.empty()) options["password"] = read_password(password_file);
    // A server that does not answer ends the attempt rather than the daemon's start.
    options.emplace("connect_timeout", "10");
    options.emplace("fallback_application_name", "ritme");
    std::string out;
    for (const auto& [keyword, value] : options) out += (out.empty() ? "" : " ") + keyword + "=" + quoted(value);
    return out;
}

}  // namespace ritme
