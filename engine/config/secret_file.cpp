#include "engine/config/secret_file.hpp"

#include "engine/base/input_file.hpp"

#include <sys/stat.h>

#include <cerrno>
#include <system_error>

namespace ritme {

SecretFile read_secret_file(const std::filesystem::path& file) {
    SecretFile out;
    struct stat status {};
    if (::stat(file.c_str(), &status) != 0) {
        out.problem = "cannot read " + file.string() + ": " + std::generic_category().message(errno);
        return out;
    }
    // Like ssh with its keys: a secret every user on the server can read is no secret.
    if (status.st_mode & S_IROTH) {
        out.problem = file.string() + " can be read by every user; run chmod 600 (or 640 for a group) on it";
        return out;
    }
    InputText read = read_input_file(file, input_limits::secret);
    if (read.problem == InputProblem::too_large) {
        out.problem = file.string() + ": " + too_large_message(input_limits::secret);
        return out;
    }
    if (!read.ok()) {
        out.problem = "cannot read " + file.string() + (read.reason.empty() ? "" : ": " + read.reason);
        return out;
    }
    std::string secret = std::move(read.text);
    while (!secret.empty() && (secret.back() == '\n' || secret.back() == '\r')) secret.pop_back();
    if (secret.empty()) out.problem = file.string() + " is empty";
    else out.secret = std::move(secret);
    return out;
}

}  // namespace ritme
