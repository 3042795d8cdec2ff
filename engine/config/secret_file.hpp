#pragma once
// A secret the engine itself reads from a file named in the config (metrics_token_file),
// as the adapters read theirs: the file may not be readable by every user, its last
// line break is not part of the secret, and an empty file is an error.

#include <filesystem>
#include <string>

namespace ritme {

struct SecretFile {
    std::string secret;   // empty when `problem` says why
    std::string problem;  // "cannot read /etc/ritme/metrics.token: No such file or directory"
};

SecretFile read_secret_file(const std::filesystem::path& file);

}  // namespace ritme
