#include "engine/cli/change_preview.hpp"

#include "engine/base/text.hpp"
#include "engine/time/local_time_text.hpp"
#include "engine/time/time_zone.hpp"

#include <algorithm>
#include <ostream>
#include <string_view>

namespace ritme {
namespace {

// Recipients named in one line: a few, then how many more.
constexpr size_t names_shown = 5;

std::string names_of(const std::vector<std::string>& names) {
    std::string text;
    for (size_t i = 0; i < names.size() && i < names_shown; ++i) text += (i ? ", " : "") + names[i];
    if (names.size() > names_shown) text += " and " + std::to_string(names.size() - names_shown) + " more";
    return text;
}

std::string first_moment(UtcInstant at, UtcInstant now, const TimeZone& zone) {
    if (!(now < at)) return "at once";
    const LocalDateTime local = zone.to_local(at);
    return day_and_date(local.date) + " " + local.time.str();
}

}  // namespace

ChangePreview::ChangePreview(const CommonOptions& common, CliContext& context, bool dry_run)
    : dry_run_(dry_run), now_(context.clock.now()) {
    DaemonConfig config = load_config(common, context);
    if (config.file.empty()) {
        why_unplanned_ = "no daemon config here";
        return;
    }
    if (config.channels.empty()) {
        why_unplanned_ = config.file.string() + " has no channels";
        return;
    }
    Diagnostics problems;
    renderer_ = MessageRenderer::load(config.templates, problems);
    report_config_problems(problems, context);
    if (!renderer_) throw UnusableConfig("the message templates in " + config.templates.string() + " cannot be read");
    planning_.rules = planning_rules(config);
    for (const auto& [name, channel] : config.channels) planning_.channel_media.emplace(name, channel.medium);
    planning_.timezone = config.timezone;
    config_ = std::move(config);
}

void ChangePreview::run(Store& store, const std::function<bool()>& change) {
    planning_.renderer = renderer_ ? &*renderer_ : nullptr;  // here: the preview may have been moved since
    ChangeRun run = run_change_with_messages(store, config_ ? &planning_ : nullptr, now_,
                                             dry_run_ ? ChangeMode::preview : ChangeMode::make, change);
    changed_ = run.changed;
    preview_ = std::move(run.messages);
}

void ChangePreview::print(std::ostream& out) const {
    if (!changed_) return;
    if (preview_) {
        print_messages(*preview_, out);
    } else {
        out << "messages: planned when the daemon runs (" << why_unplanned_
            << "); to preview them, give the daemon's config: -c CONFIG\n";
    }
    if (dry_run_) out << "dry run: nothing stored, nothing sent; run it again without --dry-run to make the change\n";
}

void ChangePreview::print_messages(const OutboxPreview& preview, std::ostream& out) const {
    const int going = preview.outgoing_count();
    const int cancelled = preview.cancelled_count();
    if (going == 0 && cancelled == 0) {
        out << "messages: none " << (dry_run_ ? "would go" : "to go") << ", none cancelled\n";
        return;
    }
    out << "messages: " << going << (dry_run_ ? " would go, " : " to go, ") << cancelled
        << (dry_run_ ? " would be cancelled" : " cancelled") << "\n";
    const TimeZone zone = TimeZone::load(config_->timezone);
    for (const auto& group : preview.outgoing)
        out << "  " << group.count << " " << message_kind_words(group.kind, group.count != 1) << " by "
            << group.channel << " to "
            << counted(static_cast<int>(group.recipients.size()), "participant", "participants") << ": "
            << names_of(group.recipients) << "; the first " << first_moment(group.first_send_at, now_, zone)
            << "\n";
    for (const auto& group : preview.cancelled)
        out << "  " << group.count << " " << message_kind_words(group.kind, group.count != 1) << " cancelled"
            << (group.reason.empty() ? "" : ": " + group.reason) << "\n";
    if (!preview.sample) {
        if (going > 0) out << "  no sample: " << preview.no_sample << "\n";
        return;
    }
    const SampleMessage& sample = *preview.sample;
    out << "  for example, the " << message_kind_words(sample.kind, false) << " by " << sample.channel << " to "
        << sample.recipient << " (" << sample.message.language;
    if (sample.sms)
        out << "; " << counted(sample.sms->segments, "SMS segment", "SMS segments") << ", "
            << name_of(sample.sms->encoding) << ", " << sample.sms->units
            << (sample.sms->encoding == SmsEncoding::gsm7 ? " characters" : " UTF-16 units");
    out << "):\n";
    std::string_view text = sample.message.text;
    while (!text.empty() && text.back() == '\n') text.remove_suffix(1);
    for (size_t start = 0; start <= text.size();) {
        const size_t end = std::min(text.find('\n', start), text.size());
        out << "    | " << text.substr(start, end - start) << "\n";
        start = end + 1;
    }
}

}  // namespace ritme
