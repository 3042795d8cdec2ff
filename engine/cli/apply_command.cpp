// `ritme apply [--dry-run] FILE…`: stores programme and school files in the database and
// plans the messages that follow from them. All files land in one transaction: when
// any file has an error, nothing is written. With --dry-run nothing is written at all:
// the change and its messages are shown.

#include "engine/changes/apply_files.hpp"
#include "engine/cli/change_preview.hpp"
#include "engine/cli/commands.hpp"

#include <algorithm>
#include <ostream>

namespace ritme {

CommandAction add_apply_command(CLI::App& app, const CommonOptions& common, CliContext& context) {
    auto* command = app.add_subcommand(
        "apply", "store programme and school files in the database; prints what changed and the messages it sends");
    auto files = std::make_shared<std::vector<std::string>>();
    auto dry_run = std::make_shared<bool>(false);
    command->add_option("FILE", *files, "programme or school files (TOML)")->required();
    command->add_flag("--dry-run", *dry_run, ChangePreview::dry_run_help);

    return [files, dry_run, &common, &context]() {
        auto school_holidays = load_school_holidays(common, context);
        if (!school_holidays) return exit_failure;
        const UtcInstant now = context.clock.now();
        const LoadedDefinitions loaded = load_definitions(*files, *school_holidays, now);
        print_diagnostics(loaded.problems, context.err);
        if (loaded.has_errors()) {
            context.err << "ritme apply: nothing stored; fix the errors above and apply again\n";
            return loaded.unreadable ? exit_bad_input : exit_failure;
        }

        ChangePreview preview(common, context, *dry_run);
        auto store = open_database(common, context);
        if (!store) return exit_failure;
        const AuditContext audit{now, current_actor(), "apply"};
        std::vector<AppliedDefinition> results;
        try {
            preview.run(*store, [&] {
                results = apply_definitions(*store, loaded, audit);
                return std::any_of(results.begin(), results.end(),
                                   [](const AppliedDefinition& applied) { return applied.result.changed(); });
            });
        } catch (const StoreError& e) {
            context.err << "ritme apply: " << e.what() << "; nothing stored\n";
            return exit_failure;
        }
        for (const auto& applied : results) print_applied(applied, context.out);
        preview.print(context.out);
        return exit_ok;
    };
}

}  // namespace ritme
