// `ritme apply FILE…`: stores programme and school files in the database. All files
// land in one transaction: when any file has an error, nothing is written.

#include "engine/changes/apply_files.hpp"
#include "engine/cli/commands.hpp"

#include <ostream>

namespace ritme {

CommandAction add_apply_command(CLI::App& app, const CommonOptions& common, CliContext& context) {
    auto* command = app.add_subcommand("apply", "store programme and school files in the database; prints what changed");
    auto files = std::make_shared<std::vector<std::string>>();
    command->add_option("FILE", *files, "programme or school files (TOML)")->required();

    return [files, &common, &context]() {
        auto school_holidays = load_school_holidays(common, context);
        if (!school_holidays) return exit_failure;
        const UtcInstant now = context.clock.now();
        const LoadedDefinitions loaded = load_definitions(*files, *school_holidays, now);
        print_diagnostics(loaded.problems, context.err);
        if (loaded.has_errors()) {
            context.err << "ritme apply: nothing stored; fix the errors above and apply again\n";
            return loaded.unreadable ? exit_bad_input : exit_failure;
        }

        auto store = open_database(common, context);
        if (!store) return exit_failure;
        const AuditContext audit{now, current_actor(), "apply"};
        std::vector<AppliedDefinition> results;
        try {
            store->write([&] { results = apply_definitions(*store, loaded, audit); });
        } catch (const StoreError& e) {
            context.err << "ritme apply: " << e.what() << "; nothing stored\n";
            return exit_failure;
        }
        for (const auto& applied : results) print_applied(applied, context.out);
        return exit_ok;
    };
}

}  // namespace ritme
