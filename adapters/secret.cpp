#include "adapters/secret.hpp"

#include "engine/base/input_file.hpp"

#include <sys/stat.h>

#include <cerrno>
#include <cstdlib>
#include <system_error>
#include <utility>

namespace ritme {

std::vector<AdapterSetting> secret_settings(const std::string& name, const std::string& what) {
    return {
        {name + "_file", "\"\"", "a file holding the " + what + " (mode 0600 or 0640, owned by ritme's user)", false},
        {name + "_env", "\"\"", "or: an environment variable holding the " + what, false},
    };
}

std::string read_secret(const ChannelSettings& settings, const std::string& name) {
    const std::string file_key = name + "_file";
    const std::string env_key = name + "_env";
    const std::filesystem::path file = settings.path(file_key);
    const std::string variable = settings.get(env_key);
    if (!file.empty() && !variable.empty())
        throw settings.error_at(env_key, "both `" + file_key + "` and `" + env_key + "` are set; keep one");
    if (!variable.empty()) {
        const char* value = std::getenv(variable.c_str());
        if (!value || !*value)
            throw settings.error_at(env_key, "`" + env_key + " = \"" + variable + "\"` names an environment variable that is not set");
        return value;
    }
    if (file.empty()) return {};
    struct stat status {};
    if (::stat(file.c_str(), &status) != 0)
        throw settings.error_at(file_key, "cannot read `" + file_key + "` " + file.string() + ": " +
                             std::generic_category().message(errno));
    // Like ssh with its keys: a secret every user on the server can read is no secret.
    if (status.st_mode & S_IROTH)
        throw settings.error_at(file_key, "`" + file_key + "` " + file.string() +
                             " can be read by every user; run chmod 600 (or 640 for a group) on it");
    InputText read = read_input_file(file, input_limits::secret);
    if (read.problem == InputProblem::too_large)
        throw settings.error_at(file_key, "`" + file_key + "` " + file.string() + ": " +
                                              too_large_message(input_limits::secret) + "; " +
                                              too_large_hint(input_limits::secret));
    if (read.problem == InputProblem::cannot_open)
        throw settings.error_at(file_key, "cannot read `" + file_key + "` " + file.string() + ": " + read.reason);
    if (!read.ok()) throw settings.error_at(file_key, "cannot read `" + file_key + "` " + file.string());
    std::string secret = std::move(read.text);
    while (!secret.empty() && (secret.back() == '\n' || secret.back() == '\r')) secret.pop_back();
    if (secret.empty()) throw settings.error_at(file_key, "`" + file_key + "` " + file.string() + " is empty");
    return secret;
}

}  // namespace ritme
