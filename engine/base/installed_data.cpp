#include "engine/base/installed_data.hpp"

#include <filesystem>
#include <system_error>

namespace ritme {

std::string installed_or(const char* subdirectory, const char* build_tree_default) {
    std::error_code ignored;
    const auto exe = std::filesystem::read_symlink("/proc/self/exe", ignored);
    if (!ignored) {
        const auto installed = exe.parent_path().parent_path() / "share" / "ritme" / subdirectory;
        if (std::filesystem::is_directory(installed, ignored)) return installed.string();
    }
    return build_tree_default;
}

}  // namespace ritme
