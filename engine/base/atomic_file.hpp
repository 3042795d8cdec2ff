#pragma once
// Writes a whole file so a reader sees the old content or the new, never half, and so
// no one else's file is touched: a new file with a unique name beside the target
// (created exclusively, so a symlink planted there is never followed), synced, then
// renamed over the target. A target that exists and is no regular file (a device, a
// fifo, a directory, or a symlink to one) is refused; a symlink to a regular file is
// replaced by the new file, not followed. The new file takes the target's permissions,
// or 0644 when there was none.

#include <filesystem>
#include <string>
#include <string_view>

namespace ritme {

struct AtomicWrite {
    enum class Outcome {
        written,
        refused,  // the target is no regular file: bad input
        failed,   // the system refused: no space, no permission
    };
    Outcome outcome = Outcome::written;
    std::string problem;  // for refused and failed: "calendar.ics: is a directory, not a regular file"

    bool ok() const { return outcome == Outcome::written; }
};

AtomicWrite write_file_atomically(const std::filesystem::path& target, std::string_view content);

}  // namespace ritme
