#include "adapters/outbox/outbox_channel.hpp"

#include "engine/base/journal_stream.hpp"
#include "engine/message/sms_text.hpp"
#include "engine/participants/masking.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstring>
#include <iostream>
#include <mutex>
#include <string_view>
#include <system_error>

namespace ritme {
namespace {

namespace fs = std::filesystem;

constexpr std::string_view sent_log_name = "sent.log";

std::string errno_text(int error) { return std::generic_category().message(error); }

std::string masked_recipient(const OutgoingMessage& message) {
    return message.medium == Medium::sms ? mask_phone(message.to) : mask_email(message.to);
}

std::string one_line(std::string_view text) {
    std::string line;
    line.reserve(text.size() + 16);
    for (size_t i = 0; i < text.size(); ++i) {
        if (text[i] == '\r') continue;
        if (text[i] == '\n')
            line += " / ";
        else
            line += text[i];
    }
    return line;
}

// Writes all of `data`, or says why not.
bool write_all(int fd, std::string_view data, int& error) {
    while (!data.empty()) {
        const ssize_t written = ::write(fd, data.data(), data.size());
        if (written < 0) {
            if (errno == EINTR) continue;
            error = errno;
            return false;
        }
        data.remove_prefix(static_cast<size_t>(written));
    }
    return true;
}

// A directory made only for the daemon's user: message files hold names and numbers.
void make_private_directory(const fs::path& directory, const ChannelSettings& settings) {
    std::error_code error;
    if (directory.has_parent_path()) fs::create_directories(directory.parent_path(), error);
    if (::mkdir(directory.c_str(), 0700) != 0 && errno != EEXIST)
        throw settings.error_at("dir", "cannot create the outbox directory " + directory.string() + ": " +
                                           errno_text(errno));
    if (!fs::is_directory(directory, error))
        throw settings.error_at("dir", "the outbox " + directory.string() + " is not a directory");
    if (::access(directory.c_str(), W_OK | X_OK) != 0)
        throw settings.error_at("dir", "cannot write to the outbox directory " + directory.string() + ": " +
                                           errno_text(errno));
}

// What make_private_directory would refuse, creating nothing: the directory, or the
// nearest existing directory above it, must be one ritme can write in.
void check_private_directory(const fs::path& directory, const ChannelSettings& settings) {
    std::error_code error;
    if (fs::exists(directory, error)) {
        if (!fs::is_directory(directory, error))
            throw settings.error_at("dir", "the outbox " + directory.string() + " is not a directory");
        if (::access(directory.c_str(), W_OK | X_OK) != 0)
            throw settings.error_at("dir", "cannot write to the outbox directory " + directory.string() + ": " +
                                               errno_text(errno));
        return;
    }
    fs::path existing = fs::absolute(directory, error).parent_path();
    while (!existing.empty() && !fs::exists(existing, error) && existing != existing.root_path())
        existing = existing.parent_path();
    if (!fs::is_directory(existing, error))
        throw settings.error_at("dir", "cannot create the outbox directory " + directory.string() + ": " +
                                           existing.string() + " is not a directory");
    if (::access(existing.c_str(), W_OK | X_OK) != 0)
        throw settings.error_at("dir", "cannot create the outbox directory " + directory.string() + ": " +
                                           existing.string() + ": " + errno_text(errno));
}

// Lines from every outbox channel go to one stream; each line is printed whole.
std::mutex& print_mutex() {
    static std::mutex mutex;
    return mutex;
}

class OutboxChannel : public Channel {
public:
    OutboxChannel(fs::path directory, std::ostream* out, bool print_text)
        : directory_(std::move(directory)), out_(out), print_text_(print_text) {
        const fs::path log = directory_ / sent_log_name;
        sent_log_ = ::open(log.c_str(), O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0600);
        if (sent_log_ < 0)
            throw std::system_error(errno, std::generic_category(), "cannot open " + log.string() + " for appending");
    }
    ~OutboxChannel() override { ::close(sent_log_); }
    OutboxChannel(const OutboxChannel&) = delete;
    OutboxChannel& operator=(const OutboxChannel&) = delete;

    SendResult send(const OutgoingMessage& message) override {
        const std::string id = std::to_string(message.delivery_id);
        const bool sms = message.medium == Medium::sms;
        const int segments = sms ? measure_sms(message.text).segments : 0;

        std::string file = "Delivery: " + id + "\nChannel: " + message.channel + "\nKind: " + message.kind +
                           "\nTo: " + message.to + "\nLanguage: " + message.language + "\n";
        if (sms)
            file += "Segments: " + std::to_string(segments) + "\n";
        else
            file += "Subject: " + message.subject + "\n";
        file += "\n" + message.text + "\n";
        if (std::string problem = write_message_file(directory_ / (id + ".txt"), file); !problem.empty())
            return SendResult::retry_later(std::move(problem));

        // One write() on an O_APPEND descriptor: lines from concurrent sends never interleave.
        const std::string entry = id + " " + message.channel + " " + message.kind + "\n";
        int error = 0;
        if (!write_all(sent_log_, entry, error))
            return SendResult::retry_later("outbox: cannot append to " + (directory_ / sent_log_name).string() + ": " +
                                           errno_text(error));

        if (out_) {
            std::string line = "outbox: #" + id + " " + message.channel + " " + masked_recipient(message) + " " +
                               message.language;
            if (sms) line += " " + std::to_string(segments) + (segments == 1 ? " segment" : " segments");
            if (print_text_) line += ": " + one_line(message.text);
            line += "\n";
            const std::lock_guard lock(print_mutex());
            *out_ << line << std::flush;
        }
        return SendResult::accepted(id);
    }

    // Her messages are the files named by her delivery ids. sent.log stays: its lines
    // hold only a delivery id, a channel and a kind, and a running daemon appends to it.
    ForgetResult forget(const ForgottenMessages& messages) override {
        ForgetResult result;
        for (int64_t id : messages.delivery_ids) {
            const fs::path file = directory_ / (std::to_string(id) + ".txt");
            if (::unlink(file.c_str()) == 0)
                ++result.removed;
            else if (errno != ENOENT)
                result.problems.push_back("cannot remove " + file.string() + ": " + errno_text(errno));
        }
        return result;
    }

private:
    // Through a temporary file and a rename, so a reader sees the whole file or none.
    // Returns why it failed, or nothing.
    std::string write_message_file(const fs::path& target, std::string_view content) {
        const fs::path temporary = directory_ / ("." + target.filename().string() + "." + std::to_string(::getpid()) +
                                                 "." + std::to_string(next_temporary_++) + ".tmp");
        const int fd = ::open(temporary.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
        if (fd < 0) return "outbox: cannot create " + temporary.string() + ": " + errno_text(errno);
        int error = 0;
        const bool written = write_all(fd, content, error);
        if (::close(fd) != 0 && written) error = errno;
        if (!written || error != 0) {
            ::unlink(temporary.c_str());
            return "outbox: cannot write " + target.string() + ": " + errno_text(error);
        }
        if (::rename(temporary.c_str(), target.c_str()) != 0) {
            error = errno;
            ::unlink(temporary.c_str());
            return "outbox: cannot write " + target.string() + ": " + errno_text(error);
        }
        return {};
    }

    fs::path directory_;
    std::ostream* out_;  // null when printing is off
    bool print_text_;    // the line ends with the message's text
    int sent_log_ = -1;
    std::atomic<unsigned long> next_temporary_{0};
};

bool parse_print(const ChannelSettings& settings) {
    const std::string print = settings.get("print", "true");
    if (print == "true") return true;
    if (print == "false") return false;
    throw settings.error_at("print", "`print = " + print +
                                         "` is not true or false; write print = true for a line per message on stdout");
}

// Whether the printed line shows the text, from `print_text` and what the line goes to.
bool parse_print_text(const ChannelSettings& settings, PrintTarget target) {
    const std::string when = settings.get("print_text", "terminal");
    if (when != "terminal" && when != "always" && when != "never")
        throw settings.error_at("print_text", "`print_text = " + when +
                                                  "` is not terminal, always or never; write print_text = \"terminal\" "
                                                  "to show a message's text only to someone at a terminal");
    if (target == PrintTarget::journal || when == "never") return false;
    return when == "always" || target == PrintTarget::terminal;
}

fs::path outbox_directory(const ChannelSettings& settings) {
    const fs::path directory = settings.path("dir");
    if (directory.empty())
        throw settings.error_at("dir", "the outbox adapter needs `dir`, the directory for its message files");
    return directory;
}

}  // namespace

PrintTarget stdout_print_target() {
    if (is_journal_stream(STDOUT_FILENO)) return PrintTarget::journal;
    return ::isatty(STDOUT_FILENO) == 1 ? PrintTarget::terminal : PrintTarget::other;
}

AdapterInfo outbox_adapter(std::ostream& out, PrintTarget target) {
    return {
        "outbox",
        "writes each message as a file under a directory, records it in sent.log there, and prints a line",
        {
            {"dir", "", "the directory for message files and sent.log (relative to this file); created 0700", true},
            {"print", "true", "print one line per message on standard output (recipient masked)", false},
            {"print_text", "\"terminal\"",
             "whether that line ends with the message's text: terminal (only when standard output is a terminal), "
             "always (also to a pipe or a file), never; never on the journal under systemd",
             false},
        },
        [out = &out, target](const ChannelSettings& settings) -> std::unique_ptr<Channel> {
            const fs::path directory = outbox_directory(settings);
            const bool print = parse_print(settings);
            const bool print_text = parse_print_text(settings, target);
            make_private_directory(directory, settings);
            try {
                return std::make_unique<OutboxChannel>(directory, print ? out : nullptr, print_text);
            } catch (const std::system_error& e) {
                throw settings.error_at("dir", e.what());
            }
        },
        [](const ChannelSettings& settings) {
            const fs::path directory = outbox_directory(settings);
            parse_print(settings);
            parse_print_text(settings, PrintTarget::other);
            check_private_directory(directory, settings);
        },
    };
}

AdapterInfo outbox_adapter() { return outbox_adapter(std::cout, stdout_print_target()); }

}  // namespace ritme
