// `ritme holidays YEAR [--region R] [--format text|json]`: the public holidays of a
// year, and with a region its school holidays.

#include "engine/cli/commands.hpp"
#include "engine/holidays/holiday_listing.hpp"

#include <ostream>

namespace ritme {

namespace {
struct HolidaysOptions {
    int year = 0;
    std::string region;
    std::string format = "text";
};
}  // namespace

CommandAction add_holidays_command(CLI::App& app, const CommonOptions& common, CliContext& context) {
    auto* command = app.add_subcommand("holidays", "public holidays of a year; with --region also school holidays");
    auto options = std::make_shared<HolidaysOptions>();
    command->add_option("YEAR", options->year, "calendar year")->required()->check(CLI::Range(1950, 2200));
    command->add_option("--region", options->region, "school-holiday region")
        ->check(CLI::IsMember({"noord", "midden", "zuid"}));
    command->add_option("--format", options->format, "output format")
        ->check(CLI::IsMember({"text", "json"}))
        ->capture_default_str();

    return [options, &common, &context]() {
        std::optional<Region> region;
        SchoolHolidayTable table;
        if (!options->region.empty()) {
            region = parse_region(options->region);
            auto loaded = load_school_holidays(common, context);
            if (!loaded) return exit_failure;
            table = std::move(*loaded);
            const auto y = static_cast<unsigned short>(options->year);
            if (auto gap = table.first_uncovered(Date(y, 1, 1), Date(y, 12, 31)))
                context.err << "ritme holidays: no school holiday data from " << iso_date(*gap)
                            << "; the school holidays listed are incomplete\n";
        }
        const auto entries = list_holidays(options->year, region, table);
        if (options->format == "json")
            context.out << holidays_json(entries).dump(2) << "\n";
        else
            context.out << holidays_text(entries);
        return exit_ok;
    };
}

}  // namespace ritme
