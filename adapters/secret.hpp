#pragma once
// Secrets for adapters (DESIGN.md rule 7): never in the config text, always from a file
// only ritme can read (`password_file`, `token_file`) or an environment variable
// (`password_env`, `token_env`). Read once, when the channel is made.

#include "engine/channel/channel_registry.hpp"

#include <string>
#include <vector>

namespace ritme {

// The two settings an adapter declares for a secret called `name` ("password",
// "token"): NAME_file and NAME_env, both optional.
std::vector<AdapterSetting> secret_settings(const std::string& name, const std::string& what);

// The secret, or empty when neither NAME_file nor NAME_env is set. The file's content
// without its trailing newline. Throws ChannelConfigError when both are set, when the
// file cannot be read or others may read it, or when the variable is not set.
std::string read_secret(const ChannelSettings& settings, const std::string& name);

}  // namespace ritme
